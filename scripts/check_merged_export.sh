#!/usr/bin/env bash
# Merged export ("fuse") against the unmerged adapted model, on SmolLM2-135M-Instruct (Q4_1 GGUF): trains a LoRA
# adapter for a few steps (scripts/dev/train_chat_lora.lua, so lora_B is far from zero), writes the merged model as
# GGUF (requantized to the base's types, and F16) and as a safetensors folder, and prints for each the largest
# logit difference from the unmerged model on a chat prompt and the argmax agreement (scripts/dev/compare_merged.lua);
# then, when the reference virtual environment exists, loads the safetensors folder with transformers'
# LlamaForCausalLM and compares it too. A dev check, not a test.
#   scripts/check_merged_export.sh
# Environment: MODEL (default models/SmolLM2-135M-Instruct.Q4_1.gguf), LORAF (default the newest release build's
# loraf), VENV (default /work/main/.venv-peft, then .venv-peft), STEPS (default 8).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
model="${MODEL:-$root/models/SmolLM2-135M-Instruct.Q4_1.gguf}"
loraf="${LORAF:-$(ls -t "$root"/.build*/release/loraf 2>/dev/null | head -1)}"
[ -x "$loraf" ] || { echo "check_merged_export: no loraf binary (swift build -c release, or set LORAF)" >&2; exit 1; }
venv="${VENV:-}"
for candidate in /work/main/.venv-peft "$root/.venv-peft"; do
  [ -z "$venv" ] && [ -x "$candidate/bin/python" ] && venv="$candidate"
done
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$loraf" run "$root/scripts/dev/train_chat_lora.lua" "$model" "$work/adapter" "${STEPS:-8}" | tail -2
"$loraf" run "$root/scripts/dev/compare_merged.lua" "$model" "$work/adapter" "$work"
if [ -n "$venv" ]; then
  "$venv/bin/python" - "$work" <<'PY'
import sys
import torch
from safetensors.torch import load_file
from transformers import LlamaForCausalLM
work = sys.argv[1]
saved = load_file(f"{work}/unmerged_logits.safetensors")
model = LlamaForCausalLM.from_pretrained(f"{work}/merged-safetensors", dtype=torch.float32).eval()
with torch.no_grad():
    logits = model(saved["input_ids"].long()).logits
d = (logits - saved["logits"]).abs().max().item()
agree = (logits.argmax(-1) == saved["logits"].argmax(-1)).sum().item()
print(f"{'transformers on merged safetensors':40s} max |dlogit| = {d:.3e}   argmax agrees at {agree}/{logits.shape[1]} positions")
PY
else
  echo "(no reference virtual environment: transformers comparison skipped)"
fi
