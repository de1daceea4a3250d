#!/usr/bin/env bash
# The project's two front doors (see README.md):
#   bash tools/dev.sh demo   set up .venv/ and run the main job at toy scale on the CPU
#   bash tools/dev.sh test   set up .venv/ and run the whole test suite (sync check + every notebook)
#   bash tools/dev.sh test-reward   set up .venv-reward/ (open_clip) and run the cells flagged `reward` (the HPS reward)
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
  # demo: Flask for wan-demo, whose browser test (nbs/19_demo) runs in the test command
  "$VENV/bin/python" -m pip install -q -e ".[dev,demo]"
  echo "$want" > "$stamp"
}

# open_clip (the HPSv2.1 reward) needs torchvision, and PyPI's torchvision does not load beside the CPU build of torch
# that .venv/ holds: a second environment with a matching pair (on x86_64 a CUDA build, 5.5 GB, that runs on the CPU too).
REWARD_VENV=.venv-reward
setup_reward() {
  if [ ! -x "$REWARD_VENV/bin/python" ]; then "$PYTHON" -m venv "$REWARD_VENV"; fi
  local stamp="$REWARD_VENV/.wan_repro_setup" want pair
  want=$(cat settings.ini setup.py | sha256sum | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  echo "==> installing wan_repro with open_clip into $REWARD_VENV"
  if [ "$(uname -m)" = aarch64 ]; then pair="torch==2.9.1 torchvision==0.24.1"; else pair="torch==2.14.1 torchvision==0.29.1"; fi
  "$REWARD_VENV/bin/python" -m pip install -q --upgrade pip
  # shellcheck disable=SC2086
  "$REWARD_VENV/bin/python" -m pip install -q $pair
  "$REWARD_VENV/bin/python" -m pip install -q -e ".[dev,reward]"
  echo "$want" > "$stamp"
}

case "${1:-}" in
  setup) setup ;;
  demo) setup; shift; exec "$VENV/bin/python" tools/demo.py "$@" ;;
  test) setup; shift; exec "$VENV/bin/python" tools/run_tests.py "$@" ;;
  test-reward) setup_reward; shift; exec "$REWARD_VENV/bin/python" tools/run_tests.py --flags reward --no-sync --no-docs "$@" 17_draft ;;
  *) echo "usage: bash tools/dev.sh {setup|demo|test|test-reward} [args]" >&2; exit 2 ;;
esac
