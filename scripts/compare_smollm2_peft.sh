#!/usr/bin/env bash
# Runs the second main job twice on this machine, one after the other — loraf (scripts/smollm2_sst2.lua, which also
# writes the chat data) and then PyTorch + transformers + PEFT (scripts/smollm2_sst2_peft.py, on the same files) —
# and prints both sides in one table with the ratios loraf/PEFT. Not part of CI.
#
#   scripts/compare_smollm2_peft.sh [TRAIN_LIMIT [DEV_LIMIT]]     (default: 2000 train, all 872 dev)
#   scripts/compare_smollm2_peft.sh 64 32                         a quick smoke run
#   COMPUTE_DTYPE=bf16 scripts/compare_smollm2_peft.sh 160 64     loraf's frozen layers in bfloat16; PEFT stays fp32
#
# Needs a release build (.build/release/loraf, or $LORAF), the reference virtual environment (.venv-peft with torch,
# transformers and peft, as scripts/compare_peft.sh installs it, or $PEFT_PYTHON) and the fp32 Hugging Face copy of
# the GGUF (models/SmolLM2-135M-Instruct-hf, made by scripts/gguf_to_hf.py). Writes runs/smollm2_sst2 (with limits:
# runs/smollm2_sst2_TRAINxDEV): both sides' data, adapters, logs (loraf.txt, peft.txt) and summaries.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
fail() { echo "compare_smollm2_peft: $*" >&2; exit 1; }

train_limit="${1:-2000}"
dev_limit="${2:-872}"
[[ "$train_limit" =~ ^[1-9][0-9]*$ ]] || fail "TRAIN_LIMIT must be a positive integer, got '$train_limit'"
[[ "$dev_limit" =~ ^[1-9][0-9]*$ ]] || fail "DEV_LIMIT must be a positive integer, got '$dev_limit'"
if [ "$#" -eq 0 ]; then run_dir="runs/smollm2_sst2"; else run_dir="runs/smollm2_sst2_${train_limit}x${dev_limit}"; fi

loraf="${LORAF:-.build/release/loraf}"
python="${PEFT_PYTHON:-$root/.venv-peft/bin/python}"
gguf="models/SmolLM2-135M-Instruct.Q4_1.gguf"
hf="models/SmolLM2-135M-Instruct-hf"
[ -x "$loraf" ] || fail "no loraf executable at $loraf: build it (scripts/setup.sh) or set LORAF"
[ -f "$gguf" ] || fail "$gguf is missing: run scripts/fetch_model.sh"
[ -x "$python" ] || fail "no Python at $python: run scripts/compare_peft.sh once (it makes .venv-peft) or set PEFT_PYTHON"
"$python" -c "import torch, transformers, peft" 2>/dev/null \
  || fail "$python lacks torch, transformers or peft: pip install torch transformers peft gguf into it"
[ -f "$hf/config.json" ] && [ -f "$hf/model.safetensors" ] \
  || fail "$hf is missing: make it with $python scripts/gguf_to_hf.py $gguf $hf"

mkdir -p "$run_dir"
echo "compare_smollm2_peft: loraf run ($train_limit train, $dev_limit dev) into $run_dir ..."
"$loraf" run scripts/smollm2_sst2.lua "$run_dir" "$train_limit" "$dev_limit" "${COMPUTE_DTYPE:-fp32}" > "$run_dir/loraf.txt" 2>&1 \
  || { tail -20 "$run_dir/loraf.txt" >&2; fail "the loraf run failed (log: $run_dir/loraf.txt)"; }
echo "compare_smollm2_peft: PEFT run (loraf ran with compute dtype ${COMPUTE_DTYPE:-fp32}) ..."
"$python" scripts/smollm2_sst2_peft.py "$run_dir" "$hf" > "$run_dir/peft.txt" 2>&1 \
  || { tail -20 "$run_dir/peft.txt" >&2; fail "the PEFT run failed (log: $run_dir/peft.txt)"; }
tail -n 1 "$run_dir/peft.txt" > "$run_dir/peft_summary.json"

python3 - "$run_dir" <<'PY'
import json, sys
run_dir = sys.argv[1]
loraf = json.load(open(f"{run_dir}/summary.json"))
peft = json.load(open(f"{run_dir}/peft_summary.json"))
for key in ("train_examples", "dev_examples"):
    if loraf[key] != peft[key]:
        sys.exit(f"compare_smollm2_peft: the sides saw different data ({key}: loraf {loraf[key]}, PEFT {peft[key]})")
print(f"\nSmolLM2-135M-Instruct on SST-2 ({loraf['train_examples']} train, {loraf['dev_examples']} dev): LoRA r=16 on all linear layers\n")
print(f"| {'':28} | {'loraf':>12} | {'PEFT':>12} | {'loraf/PEFT':>12} |")
print(f"|{'-' * 30}|{'-' * 14}|{'-' * 14}|{'-' * 14}|")
def row(label, key, fmt, compare="ratio"):
    a, b = loraf[key], peft[key]
    if compare == "points":
        third = f"{100 * (a - b):+.2f} pts"
    elif compare == "ratio":
        third = f"{a / b:.2f}x" if b else "-"
    else:
        third = ""
    print(f"| {label:28} | {fmt.format(a):>12} | {fmt.format(b):>12} | {third:>12} |")
row("dev accuracy before", "dev_accuracy_before", "{:.2%}", "points")
row("dev accuracy after", "dev_accuracy_after", "{:.2%}", "points")
row("trainable parameters", "trainable_parameters", "{:,}")
row("steps", "steps", "{}", None)
row("final loss (last 10 steps)", "final_loss", "{:.4f}", None)
row("train tokens/s", "train_tokens_per_second", "{:.0f}")
row("train examples/s", "train_examples_per_second", "{:.2f}")
row("training time (s)", "train_seconds", "{:.1f}")
row("peak RSS (MB)", "peak_rss_mb", "{:.0f}")
row("adapter size (bytes)", "adapter_bytes", "{:,}")
for phase in ("load", "eval_before", "train", "eval_after"):
    row(f"wall: {phase} (s)", f"wall_{phase}_seconds", "{:.1f}")
row("wall: whole job (s)", "wall_seconds", "{:.1f}")
PY
echo "compare_smollm2_peft: logs and summaries in $run_dir"
