#!/usr/bin/env bash
# Does PEFT load an adapter loraf trained and saved, and compute what loraf computes? Trains a LoRA adapter on
# SmolLM2-135M-Instruct (Q4_1 GGUF) for a few steps with loraf (scripts/dev/train_chat_lora.lua: lora_B far from
# zero), saves it in PEFT's layout (task_type CAUSAL_LM), loads it with PeftModel.from_pretrained onto transformers'
# model made from the same GGUF (scripts/gguf_to_hf.py; made when missing) and prints the largest logit difference
# from loraf's on a chat prompt (the issue asks for 2e-3) and the argmax agreement. A dev check, not a test.
#   scripts/check_peft_loads_adapter.sh
# Environment: MODEL (default models/SmolLM2-135M-Instruct.Q4_1.gguf), HF_MODEL (default
# models/SmolLM2-135M-Instruct-hf), LORAF (default the newest release build's loraf), VENV (default
# .venv-peft), STEPS (default 8).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
model="${MODEL:-$root/models/SmolLM2-135M-Instruct.Q4_1.gguf}"
hf_model="${HF_MODEL:-$root/models/SmolLM2-135M-Instruct-hf}"
loraf="${LORAF:-$(ls -t "$root"/.build*/release/loraf 2>/dev/null | head -1)}"
[ -x "$loraf" ] || { echo "check_peft_loads_adapter: no loraf binary (swift build -c release, or set LORAF)" >&2; exit 1; }
venv="${VENV:-$root/.venv-peft}"
[ -x "$venv/bin/python" ] || venv=""
[ -n "$venv" ] || { echo "check_peft_loads_adapter: no virtual environment with torch, transformers and peft (set VENV)" >&2; exit 1; }
[ -f "$hf_model/model.safetensors" ] || "$venv/bin/python" "$root/scripts/gguf_to_hf.py" "$model" "$hf_model"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$loraf" run "$root/scripts/dev/train_chat_lora.lua" "$model" "$work/adapter" "${STEPS:-8}" | tail -2
"$loraf" run -e '
local lm = loraf.load_model(arg[1]); lm:load_adapter(arg[2], "default")
local ids = lm:tokenizer():apply_chat_template({{role = "user", content = "What is the capital of France?"}}, {tokenize = true})
loraf.safetensors.save(arg[3], {input_ids = loraf.tensor({ids}), logits = lm:forward{input_ids = {ids}}.logits})' \
  "$model" "$work/adapter" "$work/loraf_logits.safetensors"
"$venv/bin/python" - "$work" "$hf_model" <<'PY'
import json
import sys
import torch
from peft import PeftModel
from safetensors.torch import load_file
from transformers import AutoModelForCausalLM
work, hf_model = sys.argv[1], sys.argv[2]
config = json.load(open(f"{work}/adapter/adapter_config.json"))
print("adapter_config.json: task_type =", config.get("task_type"), " r =", config.get("r"), " lora_alpha =", config.get("lora_alpha"))
saved = load_file(f"{work}/loraf_logits.safetensors")
base = AutoModelForCausalLM.from_pretrained(hf_model, dtype=torch.float32)
model = PeftModel.from_pretrained(base, f"{work}/adapter").eval()
b_norm = max(p.abs().max().item() for n, p in model.named_parameters() if "lora_B" in n)
with torch.no_grad():
    logits = model(saved["input_ids"].long()).logits
    with model.disable_adapter():
        plain = model(saved["input_ids"].long()).logits
d = (logits - saved["logits"]).abs().max().item()
agree = (logits.argmax(-1) == saved["logits"].argmax(-1)).sum().item()
print(f"largest |lora_B| loaded by PEFT: {b_norm:.3e}; the adapter moves PEFT's logits by {(logits - plain).abs().max().item():.3e}")
print(f"PEFT vs loraf (same adapter): max |dlogit| = {d:.3e} (target 2e-3)   argmax agrees at {agree}/{logits.shape[1]} positions")
PY
