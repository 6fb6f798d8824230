#!/usr/bin/env bash
# Before/after figures for one performance lever: runs the training step of a main job with two loraf builds,
# alternating them ROUNDS times, and prints per run examples/s, tokens/s, training seconds, CPU utilisation
# ((user + sys) / wall of the whole process, and of the training steps alone: train_cpu_seconds / train_seconds,
# "nan" for a build without train_cpu_seconds), peak RSS and the peak of tensor memory (peak_tensor_mb: what the
# step's tensors needed; "nan" for a build without it), then the medians and the after/before ratios.
#
#   scripts/bench_levers.sh BEFORE_LORAF AFTER_LORAF [minilm|smollm2] [STEPS] [ROUNDS]
#
# minilm:  the main job's step (all-MiniLM-L6-v2, LoRA r = 8 on query/value, batch 32, max length 64, SST-2)
# smollm2: the second main job's step (SmolLM2-135M-Instruct Q4_1, LoRA r = 16 all-linear, batch 8, chat SST-2,
#          train_on = "assistant", max length 128)
# Both from the first lines of data/sst2/train.txt; defaults: minilm, 40 steps, 3 rounds. Build the "before" side
# from another commit into its own scratch path, e.g.
#   git worktree add /tmp/before HEAD~1 && (cd /tmp/before && swift build -c release --scratch-path /tmp/before/.build)
# Run on a quiet machine and quote `lscpu` and the load this prints.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$#" -ge 2 ] || { sed -n 2,14p "$0" >&2; exit 2; }
before="$1" after="$2" job="${3:-minilm}" steps="${4:-40}" rounds="${5:-3}"
for bin in "$before" "$after"; do [ -x "$bin" ] || { echo "bench_levers: no executable at $bin" >&2; exit 1; }; done
[[ "$steps" =~ ^[1-9][0-9]*$ && "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "bench_levers: STEPS and ROUNDS must be positive integers" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
case "$job" in
  minilm) cat > "$work/job.lua" <<LUA
local model = loraf.load_model("models/all-MiniLM-L6-v2", {num_labels = 2, seed = 42})
model:adapt{strategy = "lora", name = "sst2", r = 8, lora_alpha = 16, lora_dropout = 0.1, target_modules = {"query", "value"},
            modules_to_save = {"classifier"}, seed = 42}
M = loraf.train{model = model, train = loraf.dataset("data/sst2/train.txt", {limit = 32 * $steps}), epochs = 1,
                batch_size = 32, max_length = 64, log_every = 100000, max_steps = $steps, seed = 42}
LUA
  ;;
  smollm2) python3 scripts/sst2_chat_jsonl.py "$work/train.jsonl" "$((8 * steps))"
  cat > "$work/job.lua" <<LUA
local lm = loraf.load_model("models/SmolLM2-135M-Instruct.Q4_1.gguf")
lm:adapt{strategy = "lora", r = 16, lora_alpha = 32, lora_dropout = 0.05, target_modules = "all-linear", seed = 42}
M = loraf.train{model = lm, train = loraf.dataset("$work/train.jsonl"), train_on = "assistant", epochs = 1,
                batch_size = 8, max_length = 128, log_every = 100000, max_steps = $steps, seed = 42}
LUA
  ;;
  *) echo "bench_levers: job must be minilm or smollm2" >&2; exit 2 ;;
esac
cat >> "$work/job.lua" <<'LUA'
print(string.format("FIGURES %.2f %.1f %.3f %.4f %.3f %.1f", M.examples_per_second, M.tokens_per_second, M.train_seconds,
                    M.final_loss or 0, M.train_cpu_seconds or -1, M.peak_tensor_mb or -1))
LUA
echo "$(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); job $job, $steps steps, $rounds rounds"
printf "%-7s %5s %10s %10s %10s %8s %10s %9s %10s %8s\n" side round "ex/s" "tokens/s" "train s" "CPU util" "train util" "RSS MB" "tensors MB" "loss"
for round in $(seq 1 "$rounds"); do
  for side in before after; do
    bin="$before"; [ "$side" = after ] && bin="$after"
    /usr/bin/time -f "TIME %U %S %e %M" "$bin" run "$work/job.lua" > "$work/out" 2> "$work/time" \
      || { cat "$work/out" "$work/time" >&2; echo "bench_levers: the $side run failed" >&2; exit 1; }
    read -r _ ex tok secs loss tcpu tmb < <(grep '^FIGURES' "$work/out")
    read -r _ user sys wall rss < <(grep '^TIME' "$work/time")
    util="$(python3 -c "print(f'{($user + $sys) / max($wall, 1e-9):.2f}')")"
    tutil="$(python3 -c "print(f'{$tcpu / max($secs, 1e-9):.2f}' if $tcpu >= 0 else 'nan')")"
    tmb="$(python3 -c "print('$tmb' if $tmb >= 0 else 'nan')")"
    printf "%-7s %5d %10s %10s %10s %8s %10s %9d %10s %8s\n" "$side" "$round" "$ex" "$tok" "$secs" "$util" "$tutil" "$((rss / 1024))" "$tmb" "$loss"
    echo "$side $ex $tok $secs $util $tutil $((rss / 1024)) $tmb" >> "$work/rows"
  done
done
python3 - "$work/rows" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
med = {side: [statistics.median(float(r[i]) for r in rows if r[0] == side) for i in range(1, 8)] for side in ("before", "after")}
print(f"{'median':<7} {'':>5} " + " ".join(f"{x:>10}" for x in ("ex/s", "tokens/s", "train s", "CPU util", "train util", "RSS MB", "tensors MB")))
for side in ("before", "after"):
    print(f"{side:<7} {'':>5} " + " ".join(f"{x:>10.2f}" for x in med[side]))
print(f"{'after/before':<13} " + " ".join(f"{a / b:>10.2f}" for a, b in zip(med["after"], med["before"])))
PY
