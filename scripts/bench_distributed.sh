#!/usr/bin/env bash
# Throughput of data-parallel training: the main job (scripts/sst2_lora.lua) for its first STEPS optimizer steps
# as 1 process x 2 threads and as 2 MPI ranks x 1 thread, then examples/s, bytes all-reduced per step and the
# time spent in the reduce (which includes waiting for the slower rank), and the cost of the transfer alone: 200
# all-reduces of a buffer of that size between 2 idle ranks. Needs a release build (scripts/setup.sh) and mpirun.
#   scripts/bench_distributed.sh [STEPS]          (default 100)
# Set LORAF to use another binary, MPIRUN_OPTIONS to replace the mpirun options (docs/distributed.md), BENCH_DIR
# for the folder of the runs and logs (default a new temporary folder, kept).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
steps="${1:-100}"
loraf="${LORAF:-$root/.build/release/loraf}"
[ -x "$loraf" ] || { echo "bench_distributed: $loraf not found: build it (scripts/setup.sh)" >&2; exit 1; }
command -v mpirun >/dev/null || { echo "bench_distributed: mpirun not found: install openmpi-bin (scripts/setup.sh)" >&2; exit 1; }
read -r -a mpi_options <<<"${MPIRUN_OPTIONS:---oversubscribe --allow-run-as-root --bind-to none --mca btl_vader_single_copy_mechanism none}"
work="${BENCH_DIR:-$(mktemp -d)}"
mkdir -p "$work"
echo "bench_distributed: runs and logs in $work (one.log, two.log)"

# value LOG LABEL: the first number after LABEL on its line of the job's report.
value() { grep -m1 "^$2" "$1" | sed -E "s|^$2 *([0-9.]+).*|\1|"; }

echo "bench_distributed: the main job, first $steps steps (batch 32, max length 64)"
LORAF_THREADS=2 "$loraf" run scripts/sst2_lora.lua "$work/one" 3 "$steps" >"$work/one.log"
LORAF_THREADS=1 mpirun -np 2 "${mpi_options[@]}" "$loraf" run scripts/sst2_lora.lua "$work/two" 3 "$steps" >"$work/two.log"

one="$(value "$work/one.log" "examples/s")"
two="$(value "$work/two.log" "examples/s")"
bytes="$(value "$work/two.log" "all-reduce")"
reduce_seconds="$(grep -m1 '^all-reduce' "$work/two.log" | sed -E 's/.*, ([0-9.]+) s in the reduce.*/\1/')"
train_seconds="$(value "$work/two.log" "training time")"
printf '%-28s %12s\n' "configuration" "examples/s"
printf '%-28s %12s\n' "1 process x 2 threads" "$one"
printf '%-28s %12s\n' "2 ranks x 1 thread" "$two"
awk -v a="$one" -v b="$two" 'BEGIN { printf "speed-up 2 ranks / 1 process: %.2f\n", b / a }'
echo "all-reduce: $bytes bytes per step (gradients of the trainable tensors + 3 statistics: loss sum, tokens, examples; Float32)"
awk -v r="$reduce_seconds" -v t="$train_seconds" -v s="$steps" \
    'BEGIN { printf "time in the reduce: %.3f s over %d steps (%.2f ms/step, %.1f%% of training time %.1f s)\n", r, s, 1000 * r / s, 100 * r / t, t }'
# The transfer alone: loraf.distributed.all_reduce (which also checks the sizes agree, a second small reduce, and
# copies the tensor) on a buffer of one step's size, after a barrier.
floats=$((bytes / 4))
LORAF_THREADS=1 mpirun -np 2 "${mpi_options[@]}" "$loraf" run -e "
  local d = loraf.distributed
  local t = loraf.zeros{$floats}
  d.all_reduce(t); d.barrier()
  local started = loraf.clock()
  for _ = 1, 200 do d.all_reduce(t) end
  if d.is_main() then
    print(string.format('transfer alone: %.3f ms per all-reduce of %d bytes (2 ranks, mean of 200)', 1000 * (loraf.clock() - started) / 200, $bytes))
  end"
