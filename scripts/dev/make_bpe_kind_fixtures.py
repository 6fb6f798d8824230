#!/usr/bin/env python3
"""Writes Tests/Fixtures/bpe_kinds/{llama3,qwen2}.json: small byte-level BPE tokenizers trained here
with HF `tokenizers` in the shapes of Llama 3's tokenizer.json (Split with its regex, ByteLevel,
ignore_merges, a BOS template) and Qwen2's (NFC normalizer, Split with its regex, ByteLevel), each
with the ids `tokenizers` gives (special tokens added) for a list of texts (dev script, not CI).

Needs: pip install tokenizers
Usage: python3 scripts/dev/make_bpe_kind_fixtures.py [sst2_train.txt] [out_dir]
"""
import json
import os
import random
import sys

from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

LLAMA3 = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}"
          r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")
QWEN2 = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}"
         r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")
EXTRA = ["Don't STOP: it's 12345 o'clock!\n\n  Then\ttabs.", "naïve café — déjà vu 日本語 😀",
         "e\u0301 combining (NFC)", "<|begin_of_text|>inside text<|end_of_text|>", "", "   ", "x" * 60]


def build(kind, sentences):
    tokenizer = Tokenizer(models.BPE(ignore_merges=(kind == "llama3")))
    if kind == "qwen2":
        tokenizer.normalizer = normalizers.NFC()
    regex = LLAMA3 if kind == "llama3" else QWEN2
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(regex), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    tokenizer.decoder = decoders.ByteLevel()
    specials = ["<|begin_of_text|>", "<|end_of_text|>"]
    trainer = trainers.BpeTrainer(vocab_size=1200, special_tokens=specials, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tokenizer.train_from_iterator(sentences, trainer)
    if kind == "llama3":
        tokenizer.post_processor = processors.Sequence([
            processors.ByteLevel(trim_offsets=False),
            processors.TemplateProcessing(single="<|begin_of_text|> $A", pair="<|begin_of_text|> $A $B",
                                          special_tokens=[("<|begin_of_text|>", 0)])])
    else:
        tokenizer.post_processor = processors.ByteLevel(trim_offsets=False)
    return tokenizer


def main():
    corpus = sys.argv[1] if len(sys.argv) > 1 else "data/sst2/train.txt"
    out_dir = sys.argv[2] if len(sys.argv) > 2 else "Tests/Fixtures/bpe_kinds"
    with open(corpus, encoding="utf-8") as f:
        sentences = [line.split(" ", 1)[1].strip() for line in f if " " in line]
    rng = random.Random(11)
    pool = "abcXYZéßΩжд日本語0123456789٣½ .,;:!?'\"()-—€$\t\n\r😀\u0301"
    texts = EXTRA + sentences[-150:] + ["".join(rng.choice(pool) for _ in range(rng.randint(1, 30))) for _ in range(150)]
    os.makedirs(out_dir, exist_ok=True)
    for kind in ("llama3", "qwen2"):
        tokenizer = build(kind, sentences)
        result = {"tokenizer": json.loads(tokenizer.to_str()),
                  "cases": [{"text": t, "ids": tokenizer.encode(t).ids} for t in texts]}
        with open(os.path.join(out_dir, kind + ".json"), "w", encoding="utf-8") as f:
            json.dump(result, f, ensure_ascii=False)
    print("wrote", out_dir, len(texts), "texts")


if __name__ == "__main__":
    main()
