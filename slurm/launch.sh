#!/usr/bin/env bash
# Common launcher of wan_repro training jobs; the per-technique .sbatch scripts exec it.
#
#   inside SLURM   (sbatch slurm/<technique>.sbatch ...): one torchrun per node (srun), every GPU of the node,
#                  rendezvous on the first node of the job's node list, the technique's `full` preset;
#   outside SLURM  (bash slurm/<technique>.sbatch ...):   one local process with the `toy` preset.
#
# Preemption: SLURM sends SIGUSR1 to this shell before the time limit (#SBATCH --signal=B:USR1@300) and SIGTERM on
# cancellation. We write $OUT/PREEMPT: every rank checks it after each optimizer step, the ranks checkpoint together,
# and rank 0 runs `scontrol requeue $SLURM_JOB_ID` (needs #SBATCH --requeue). The requeued job starts this script again
# with the same $OUT and resumes from the latest checkpoint. (Signals are not forwarded to the ranks under SLURM:
# torchrun's agent would die of a SIGUSR1; locally the trainer also gets the signal itself.)
#
# Usage: launch.sh TECHNIQUE [wan-train arguments, e.g. --set lr=1e-5 grad_accum=2]
# Environment: PRESET (default full / toy), OUT (run directory, default runs/TECHNIQUE-PRESET), PYTHON, WAN_REPO,
#              MASTER_PORT, GPUS_PER_NODE (default: SLURM's GPUs on the node).
set -euo pipefail

TECHNIQUE=${1:?usage: launch.sh TECHNIQUE [wan-train arguments]}
shift
REPO=${WAN_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
cd "$REPO"
# The interpreter: $PYTHON when set (a path or a command), else the repository's .venv, else python3 on the PATH.
# It must find wan_repro and torch (checked without importing them), or every rank would die of "No module named".
if [[ -z "${PYTHON:-}" ]]; then
  PYTHON=$REPO/.venv/bin/python
  [[ -x "$PYTHON" ]] || PYTHON=python3
fi
if ! "$PYTHON" -c 'import importlib.util as u, sys; sys.exit(not (u.find_spec("wan_repro") and u.find_spec("torch")))' 2>/dev/null; then
  echo "launch.sh: $PYTHON cannot import wan_repro and torch: set PYTHON to the interpreter of the environment where wan_repro is installed (e.g. PYTHON=\$(which python))" >&2
  exit 2
fi

if [[ -n "${SLURM_JOB_ID:-}" ]]; then
  PRESET=${PRESET:-full}
  OUT=${OUT:-runs/${TECHNIQUE##*:}-$PRESET}
  NNODES=${SLURM_JOB_NUM_NODES:-${SLURM_NNODES:-1}}
  GPUS=${GPUS_PER_NODE:-${SLURM_GPUS_ON_NODE:-${SLURM_GPUS_PER_NODE:-1}}}
  GPUS=${GPUS##*:}                                  # "h100:8" -> 8
  MASTER=$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1)
  PORT=${MASTER_PORT:-$((29500 + SLURM_JOB_ID % 1000))}
  export OMP_NUM_THREADS=${OMP_NUM_THREADS:-8}
  echo "launch.sh: job $SLURM_JOB_ID (restart ${SLURM_RESTART_COUNT:-0}): $TECHNIQUE/$PRESET on $NNODES node(s) x $GPUS GPU(s), rendezvous $MASTER:$PORT, out $OUT"
  CMD=(srun --kill-on-bad-exit=1 --nodes="$NNODES" --ntasks-per-node=1
       "$PYTHON" -m torch.distributed.run --nnodes="$NNODES" --nproc_per_node="$GPUS"
       --rdzv_id="$SLURM_JOB_ID" --rdzv_backend=c10d --rdzv_endpoint="$MASTER:$PORT"
       -m wan_repro.train "$TECHNIQUE" --preset "$PRESET" --out "$OUT" --no-progress "$@")
else
  PRESET=${PRESET:-toy}
  OUT=${OUT:-runs/${TECHNIQUE##*:}-$PRESET}
  echo "launch.sh: not inside SLURM: $TECHNIQUE/$PRESET in one local process, out $OUT"
  CMD=("$PYTHON" -m wan_repro.train "$TECHNIQUE" --preset "$PRESET" --out "$OUT" "$@")
fi

CHILD=
# shellcheck disable=SC2317  # invoked by the trap
on_preempt() {
  echo "launch.sh: preemption signal: the trainer checkpoints after this step, then requeues" >&2
  touch "$OUT/PREEMPT"
  if [[ -z "${SLURM_JOB_ID:-}" && -n "$CHILD" ]]; then kill -USR1 "$CHILD" 2>/dev/null || true; fi
}
trap on_preempt USR1 TERM

mkdir -p "$OUT"
rm -f "$OUT/PREEMPT"                                # a stale flag would stop the resumed run at once
"${CMD[@]}" &
CHILD=$!

# `wait` returns early when a trapped signal arrives: keep waiting until the trainer has exited
while true; do
  rc=0
  wait "$CHILD" || rc=$?
  kill -0 "$CHILD" 2>/dev/null || break
done
exit "$rc"
