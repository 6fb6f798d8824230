"""Makes a Hugging Face model folder (config.json, model.safetensors, tokenizer files) from a GGUF file with
transformers' GGUF loader (which dequantizes every tensor to fp32 and undoes llama.cpp's q/k row order), and
prints the logits of one prompt so loraf's two load paths can be compared:

    .venv-peft/bin/python scripts/gguf_to_hf.py models/SmolLM2-135M-Instruct.Q4_1.gguf models/SmolLM2-135M-Instruct-hf
    .build/release/loraf run scripts/compare_gguf_hf.lua models/SmolLM2-135M-Instruct.Q4_1.gguf models/SmolLM2-135M-Instruct-hf

Needs torch, transformers and gguf (the reference virtual environment of scripts/compare_peft.sh). Not run in CI.
"""
import pathlib
import sys

from transformers import AutoModelForCausalLM, AutoTokenizer

gguf_path, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
model = AutoModelForCausalLM.from_pretrained(str(gguf_path.parent), gguf_file=gguf_path.name)
tokenizer = AutoTokenizer.from_pretrained(str(gguf_path.parent), gguf_file=gguf_path.name)
# transformers marks a GGUF-loaded model as quantized and refuses to save it: copy the (fp32) weights into a plain one.
config = model.config
if hasattr(config, "quantization_config"):
    del config.quantization_config
plain = AutoModelForCausalLM.from_config(config)
plain.load_state_dict(model.state_dict())
plain.save_pretrained(out, safe_serialization=True)
tokenizer.save_pretrained(out)
ids = tokenizer("The capital of France is", return_tensors="pt").input_ids
logits = model(ids).logits[0, -1]
print("transformers: last-position logits[:5] =", [round(v, 4) for v in logits[:5].tolist()], "argmax =", int(logits.argmax()))
