"""Write README.md from nbs/index.ipynb (nbdev_readme needs the quarto binary, which CI machines don't have).

Markdown cells are copied as they are; code cells become fenced Python, with their text outputs below them.
Cells whose first line is an nbdev `#| hide` directive are left out.
"""
import json, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def render(nb):
    parts = []
    for cell in nb["cells"]:
        src = "".join(cell["source"]).strip()
        if not src or src.startswith("#| hide"): continue
        if cell["cell_type"] == "markdown": parts.append(src)
        elif cell["cell_type"] == "code":
            parts.append(f"```python\n{src}\n```")
            text = "".join("".join(o.get("text", "")) for o in cell.get("outputs", []) if o.get("output_type") == "stream")
            if text.strip(): parts.append(f"```\n{text.rstrip()}\n```")
    return "<!-- generated from nbs/index.ipynb by tools/make_readme.py: edit the notebook, not this file -->\n\n" + "\n\n".join(parts) + "\n"


if __name__ == "__main__":
    out = render(json.loads((ROOT / "nbs" / "index.ipynb").read_text(encoding="utf-8")))
    (ROOT / "README.md").write_text(out, encoding="utf-8")
    sys.exit(0)
