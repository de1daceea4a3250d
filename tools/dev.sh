#!/usr/bin/env bash
# The project's two front doors (see README.md):
#   bash tools/dev.sh demo   set up .venv/ and run the main job at toy scale on the CPU
#   bash tools/dev.sh test   set up .venv/ and run the whole test suite (sync check + every notebook)
# Set-up is idempotent: it reinstalls only when settings.ini or setup.py changed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON=${PYTHON:-python3}
VENV=.venv

setup() {
  if [ ! -x "$VENV/bin/python" ]; then
    echo "==> creating $VENV with $($PYTHON --version)"
    "$PYTHON" -m venv "$VENV"
  fi
  local stamp="$VENV/.wan_repro_setup" want
  want=$(cat settings.ini setup.py | sha256sum | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  echo "==> installing wan_repro and its dev tools into $VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  # An unpinned torch pulls a CUDA build of several GB; without a GPU take the CPU build (TORCH_SPEC overrides).
  local torch_spec=${TORCH_SPEC:-}
  if [ -z "$torch_spec" ]; then
    if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then torch_spec="torch>=2.4"
    else torch_spec="torch==2.13.0"; fi
  fi
  "$VENV/bin/python" -m pip install -q "$torch_spec"
  "$VENV/bin/python" -m pip install -q -e ".[dev]"
  echo "$want" > "$stamp"
}

case "${1:-}" in
  setup) setup ;;
  demo) setup; shift; exec "$VENV/bin/python" tools/demo.py "$@" ;;
  test) setup; shift; exec "$VENV/bin/python" tools/run_tests.py "$@" ;;
  *) echo "usage: bash tools/dev.sh {setup|demo|test} [args]" >&2; exit 2 ;;
esac
