#!/usr/bin/env bash
# A profile of training steps by phase (the trainer's own clock) and by kernel (perf, demangled), so the next lever
# is visible. Usage: scripts/profile_step.sh [minilm|smollm2] [STEPS]
#   minilm:  the main job's step (MiniLM, LoRA r=8 query/value, batch 32, max length 64, SST-2)
#   smollm2: the second main job's step (SmolLM2-135M Q4_1, LoRA r=16 all-linear, batch 8, chat SST-2)
# Needs perf (linux-perf) and a release build. Quote the output with `lscpu` and the load.
set -euo pipefail
cd "$(dirname "$0")/.."
job="${1:-minilm}" steps="${2:-20}"
loraf=.build/release/loraf
[ -x "$loraf" ] || { echo "build first: swift build -c release -Xswiftc -enable-testing" >&2; exit 1; }
command -v perf >/dev/null || { echo "perf is not installed (apt-get install linux-perf)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
case "$job" in
  minilm) cat > "$work/job.lua" <<LUA
local model = loraf.load_model("models/all-MiniLM-L6-v2", {num_labels = 2, seed = 42})
model:adapt{strategy = "lora", name = "sst2", r = 8, lora_alpha = 16, lora_dropout = 0.1, target_modules = {"query", "value"}}
M = loraf.train{model = model, train = loraf.dataset("data/sst2/train.txt", {limit = 2048}), epochs = 1,
                batch_size = 32, max_length = 64, log_every = 1000, max_steps = $steps}
LUA
  ;;
  smollm2) python3 scripts/sst2_chat_jsonl.py "$work/train.jsonl" 512
  cat > "$work/job.lua" <<LUA
local lm = loraf.load_model("models/SmolLM2-135M-Instruct.Q4_1.gguf")
lm:adapt{strategy = "lora", r = 16, lora_alpha = 32, target_modules = "all-linear"}
M = loraf.train{model = lm, train = loraf.dataset("$work/train.jsonl"), train_on = "assistant", epochs = 1,
                batch_size = 8, max_length = 128, log_every = 1000, max_steps = $steps}
LUA
  ;;
  *) echo "job must be minilm or smollm2" >&2; exit 2 ;;
esac
cat >> "$work/job.lua" <<'LUA'
local total = M.wall_seconds
print(string.format("%d steps in %.2f s (%.1f examples/s, %.0f tokens/s)", M.steps, total, M.examples_per_second, M.tokens_per_second))
local names = {}
for name in pairs(M.phase_seconds) do names[#names + 1] = name end
table.sort(names, function(a, b) return M.phase_seconds[a] > M.phase_seconds[b] end)
for _, name in ipairs(names) do
  print(string.format("  %-12s %8.1f ms/step  %5.1f%%", name, 1000 * M.phase_seconds[name] / M.steps, 100 * M.phase_seconds[name] / total))
end
LUA
echo "$(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== by phase (trainer clock; the rest of the wall time is loading and setup)"
perf record -q -g -o "$work/perf.data" "$loraf" run "$work/job.lua" 2>/dev/null | grep -v "^step "
echo "== by function (self time, perf)"
perf report -i "$work/perf.data" --no-children --sort symbol --stdio 2>/dev/null | python3 -c '
import re, subprocess, sys
rows = []
for line in sys.stdin:
    m = re.match(r"^\s+([0-9.]+%)\s+\[[.k]\]\s+(\S+)", line)
    if m: rows.append(m.groups())
rows = rows[:25]
names = subprocess.run(["swift", "demangle", "--simplified", "--compact"], input="\n".join(r[1] for r in rows),
                       capture_output=True, text=True).stdout.splitlines()
for (pct, _), name in zip(rows, names):
    print("%8s  %s" % (pct, name[:110]))
'
