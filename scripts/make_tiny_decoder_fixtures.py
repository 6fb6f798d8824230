"""Makes Tests/Fixtures/tiny_decoders/: small random Llama and Qwen2 models saved by transformers
(config.json + model.safetensors) and their logits on a right-padded batch, for loraf's decoder parity tests.

Run with the reference virtual environment (torch + transformers; scripts/compare_peft.sh makes one):
    .venv-peft/bin/python scripts/make_tiny_decoder_fixtures.py
Not run in CI; the outputs are committed.
"""
import json
import pathlib

import torch
from safetensors.torch import save_file
from transformers import LlamaConfig, LlamaForCausalLM, Qwen2Config, Qwen2ForCausalLM

root = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "Fixtures" / "tiny_decoders"

common = dict(vocab_size=96, hidden_size=32, intermediate_size=48, num_hidden_layers=2, num_attention_heads=4,
              num_key_value_heads=2, max_position_embeddings=64, rms_norm_eps=1e-5, rope_theta=10000.0,
              tie_word_embeddings=False, attn_implementation="eager")
models = {
    "llama": (LlamaConfig, LlamaForCausalLM, dict(rope_scaling={"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                                                               "high_freq_factor": 4.0, "original_max_position_embeddings": 16})),
    "qwen2": (Qwen2Config, Qwen2ForCausalLM, dict(tie_word_embeddings=True)),
}

torch.manual_seed(0)
input_ids = torch.randint(3, 96, (3, 7))
attention_mask = torch.tensor([[1] * 7, [1] * 5 + [0] * 2, [1] * 3 + [0] * 4])
for name, (config_class, model_class, extra) in models.items():
    config = config_class(**{**common, **extra})
    model = model_class(config).eval()
    with torch.no_grad():
        for p in model.parameters():  # larger than the default init, so every weight matters in the logits
            p.normal_(0, 0.2)
        logits = model(input_ids=input_ids, attention_mask=attention_mask).logits
    folder = root / name
    model.save_pretrained(folder, safe_serialization=True)
    save_file({"input_ids": input_ids.contiguous(), "attention_mask": attention_mask.contiguous(), "logits": logits.contiguous()},
              str(root / f"{name}_logits.safetensors"))
    print(name, json.loads((folder / "config.json").read_text())["model_type"], tuple(logits.shape))
