#!/usr/bin/env bash
# Merged export ("fuse") against the unmerged adapted model, on SmolLM2-135M-Instruct (Q4_1 GGUF): trains a LoRA
# adapter for a few steps (scripts/dev/train_chat_lora.lua, so lora_B is far from zero), writes the merged model as
# GGUF (requantized to the base's types, and F16) and as a safetensors folder, and prints for each the largest
# logit difference from the unmerged model on a chat prompt and the argmax agreement (scripts/dev/compare_merged.lua);
# then, when the reference virtual environment exists, loads the safetensors folder with transformers'
# LlamaForCausalLM and compares it too; and when llama.cpp is built (scripts/build_llama_cpp.sh), greedy-decodes the
# chat prompt with llama.cpp on both merged GGUF files next to loraf with the unmerged adapter. A dev check, not a test.
#   scripts/check_merged_export.sh
# Environment: MODEL (default models/SmolLM2-135M-Instruct.Q4_1.gguf), LORAF (default the newest release build's
# loraf), VENV (default .venv-peft), STEPS (default 8), LLAMA_CPP_BIN (default
# .llama.cpp/build/bin), TOKENS (default 16).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
model="${MODEL:-$root/models/SmolLM2-135M-Instruct.Q4_1.gguf}"
loraf="${LORAF:-$(ls -t "$root"/.build*/release/loraf 2>/dev/null | head -1)}"
[ -x "$loraf" ] || { echo "check_merged_export: no loraf binary (swift build -c release, or set LORAF)" >&2; exit 1; }
venv="${VENV:-$root/.venv-peft}"
[ -x "$venv/bin/python" ] || venv=""
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

bin="${LLAMA_CPP_BIN:-$root/.llama.cpp/build/bin}"
if [ -x "$bin/llama-completion" ]; then
  tokens="${TOKENS:-16}"
  prompt="$("$loraf" run -e 'io.write(loraf.load_model(arg[1]):tokenizer():apply_chat_template({{role = "user", content = "What is the capital of France?"}}))' "$model" 2>/dev/null; echo .)"
  prompt="${prompt%.}"   # keeps the template's final newline, which $(...) would drop
  llama_cpp() {
    "$bin/llama-completion" -no-cnv --no-display-prompt -m "$1" -p "$prompt" -n "$tokens" --temp 0 --top-k 1 --seed 0 -t 2 --no-warmup 2>/dev/null | tr '\n' ' '
  }
  echo "greedy answers ($tokens tokens):"
  echo "  loraf, unmerged adapter        : $("$loraf" generate "$model" --adapter "$work/adapter" --chat --max-new-tokens "$tokens" "What is the capital of France?" 2>/dev/null | tr '\n' ' ')"
  echo "  llama.cpp, merged f16 GGUF     : $(llama_cpp "$work/merged-f16.gguf")"
  echo "  llama.cpp, merged requantized  : $(llama_cpp "$work/merged-requantize.gguf")"
  echo "  loraf, merged requantized      : $("$loraf" generate "$work/merged-requantize.gguf" --chat --max-new-tokens "$tokens" "What is the capital of France?" 2>/dev/null | tr '\n' ' ')"
  echo "  llama.cpp, base                : $(llama_cpp "$model")"
else
  echo "(llama.cpp not built: its decoding of the merged GGUF files skipped)"
fi
