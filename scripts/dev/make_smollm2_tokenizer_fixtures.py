#!/usr/bin/env python3
"""Writes Tests/Fixtures/smollm2/tokenizer.json and tokenizer_config.json from the real GGUF with
transformers' own GGUF conversion (GPT2Tokenizer.from_pretrained(models_dir, gguf_file=...) then
save_pretrained), as a dev script, not in CI.

Needs: pip install transformers tokenizers gguf
Usage: python3 scripts/dev/make_smollm2_tokenizer_fixtures.py [models_dir] [out_dir]
"""
import json
import os
import sys
import tempfile
from unittest import mock

from transformers import GPT2Tokenizer

# transformers' GGUF metadata reader imports torch only for tensor dtypes; the tokenizer conversion
# needs no tensors, so a stand-in module (installed after transformers checked what is available)
# lets this run without installing torch.
sys.modules.setdefault("torch", mock.MagicMock())

GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"


def main():
    models_dir = sys.argv[1] if len(sys.argv) > 1 else "models"
    out_dir = sys.argv[2] if len(sys.argv) > 2 else "Tests/Fixtures/smollm2"
    tokenizer = GPT2Tokenizer.from_pretrained(models_dir, gguf_file=GGUF_NAME)
    with tempfile.TemporaryDirectory() as folder:
        tokenizer.save_pretrained(folder)
        for name in ("tokenizer.json", "tokenizer_config.json"):
            with open(os.path.join(folder, name), encoding="utf-8") as source:
                data = json.load(source)
            with open(os.path.join(out_dir, name), "w", encoding="utf-8") as out:
                json.dump(data, out, ensure_ascii=False, indent=1 if name != "tokenizer.json" else None)
    print("wrote", out_dir)


if __name__ == "__main__":
    main()
