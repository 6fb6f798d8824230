#!/usr/bin/env bash
# Runs the main job twice on this machine, one after the other — loraf (scripts/sst2_lora.lua) and PyTorch + PEFT
# (scripts/peft_sst2.py) — and prints both sides in one table, so the ratio is measured in one run.
# Installs torch, transformers and peft into .venv-peft (git-ignored) when absent. Not part of CI.
#   scripts/compare_peft.sh [EPOCHS]      (default 3, the reference setting)
#   COMPUTE_DTYPE=bf16 scripts/compare_peft.sh   loraf's frozen layers in bfloat16 (AVX512_BF16); PEFT stays fp32
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
epochs="${1:-3}"
venv="$root/.venv-peft"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import torch, transformers, peft" 2>/dev/null; then
  echo "compare_peft: installing torch, transformers and peft into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet torch==2.15.0 transformers peft==0.21.2 safetensors
fi
scripts/setup.sh >/dev/null
out="$(mktemp -d)"
echo "compare_peft: loraf run ($epochs epochs)..."
/usr/bin/time -v .build/release/loraf run scripts/sst2_lora.lua "$out/loraf" "$epochs" - "${COMPUTE_DTYPE:-fp32}" > "$out/loraf.txt" 2> "$out/loraf.time"
echo "compare_peft: PEFT run ($epochs epochs; loraf ran with compute dtype ${COMPUTE_DTYPE:-fp32})..."
OMP_NUM_THREADS=2 /usr/bin/time -v "$venv/bin/python" scripts/peft_sst2.py "$epochs" > "$out/peft.txt" 2> "$out/peft.time"
python3 - "$out" <<'PY'
import json, re, sys
out = sys.argv[1]
text = open(f"{out}/loraf.txt").read()
def grab(pattern):
    m = re.search(pattern, text)
    return float(m.group(1)) if m else float("nan")
loraf = {"dev_accuracy": grab(r"dev accuracy\s+([\d.]+)%") / 100, "train_seconds": grab(r"training time\s+([\d.]+) s"),
         "examples_per_second": grab(r"examples/s\s+([\d.]+)"), "tokens_per_second": grab(r"tokens/s\s+([\d.]+)"),
         "peak_rss_mb": grab(r"peak RSS\s+([\d.]+) MB")}
peft = json.loads(open(f"{out}/peft.txt").read().strip().splitlines()[-1])
def wall(name):
    m = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", open(f"{out}/{name}.time").read())
    h, mnt, s = m.groups()
    return int(h or 0) * 3600 + int(mnt) * 60 + float(s)
loraf["wall_seconds"], peft["wall_seconds"] = wall("loraf"), wall("peft")
rows = [("dev accuracy", "dev_accuracy", "{:.2%}"), ("training time (s)", "train_seconds", "{:.1f}"),
        ("whole job wall time (s)", "wall_seconds", "{:.1f}"), ("examples/s", "examples_per_second", "{:.1f}"),
        ("tokens/s", "tokens_per_second", "{:.0f}"), ("peak RSS (MB)", "peak_rss_mb", "{:.0f}")]
print(f"| {'':24} | {'loraf':>10} | {'PEFT':>10} | loraf/PEFT |")
print(f"|{'-'*26}|{'-'*12}|{'-'*12}|------------|")
for label, key, fmt in rows:
    a, b = loraf[key], peft[key]
    print(f"| {label:24} | {fmt.format(a):>10} | {fmt.format(b):>10} | {a / b:10.2f} |")
PY
echo "compare_peft: raw outputs in $out"
