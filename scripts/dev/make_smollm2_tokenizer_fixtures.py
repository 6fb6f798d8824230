#!/usr/bin/env python3
"""Writes the SmolLM2 tokenizer fixtures of Tests/Fixtures/smollm2 from the real GGUF (dev script, not CI).

1. tokenizer.json + tokenizer_config.json: transformers' own GGUF conversion
   (AutoTokenizer.from_pretrained(models_dir, gguf_file=...).save_pretrained(...)).
2. gguf_tokenizer_arrays.json: the tokenizer.ggml.* metadata of the GGUF as plain arrays
   (read with the `gguf` package), the input of the GGUF path until loraf reads GGUF itself.

Needs: pip install transformers tokenizers gguf
Usage: python3 scripts/dev/make_smollm2_tokenizer_fixtures.py [models_dir] [out_dir]
"""
import json
import os
import sys
import tempfile
from unittest import mock

from gguf import GGUFReader, GGUFValueType

from transformers import GPT2Tokenizer

# transformers' GGUF metadata reader imports torch only for tensor dtypes; the tokenizer conversion
# needs no tensors, so a stand-in module (installed after transformers checked what is available)
# lets this run without installing torch.
sys.modules.setdefault("torch", mock.MagicMock())

GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"


def field_value(field):
    """The value of a GGUF metadata field as a Python value (arrays as lists)."""
    types = field.types
    if types[0] == GGUFValueType.ARRAY:
        if types[1] == GGUFValueType.STRING:
            return [bytes(field.parts[i]).decode("utf-8") for i in field.data]
        return [field.parts[i].tolist()[0] for i in field.data]
    if types[0] == GGUFValueType.STRING:
        return bytes(field.parts[field.data[0]]).decode("utf-8")
    return field.parts[field.data[0]].tolist()[0]


def main():
    models_dir = sys.argv[1] if len(sys.argv) > 1 else "models"
    out_dir = sys.argv[2] if len(sys.argv) > 2 else "Tests/Fixtures/smollm2"
    reader = GGUFReader(os.path.join(models_dir, GGUF_NAME))
    arrays = {key: field_value(field) for key, field in reader.fields.items()
              if key.startswith("tokenizer.ggml.")}
    with open(os.path.join(out_dir, "gguf_tokenizer_arrays.json"), "w", encoding="utf-8") as out:
        json.dump(arrays, out, ensure_ascii=False)

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
