#!/usr/bin/env python3
"""Writes Tests/Fixtures/sentencepiece/llama_style_vocab.json: a small SentencePiece BPE model trained
here with Llama 2's settings (BPE, byte fallback, split digits, identity normalization, no removal of
extra white space, dummy prefix), exported as GGUF-style arrays (tokens, scores, token types), plus
the ids the Python `sentencepiece` package gives for a list of texts (dev script, not CI).

Needs: pip install sentencepiece
Usage: python3 scripts/dev/make_sentencepiece_fixture.py [sst2_train.txt] [out.json]
"""
import json
import os
import sys
import tempfile

import sentencepiece as spm

# GGUF / SentencePiece token types.
NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE = 1, 2, 3, 4, 5, 6
USER_SYMBOLS = ["<|user|>"]

EDGE_CASES = [
    "", "hello", " leading space", "two  spaces", "trailing space ", "\ttab\tand\nnewline\n",
    "numbers 1234567 and 3.14", "naïve café — déjà vu", "日本語のテキスト", "emoji 😀 test 👍🏽",
    "ÀÉÎÕÜ ß ﬁ Ωmega", "don't stop-believing... I'm 'quoted'", "   ", "a\n\n\nb", "x" * 80,
    "Mixed CASE Words With Capitals", "symbols: @#$%^&*()_+{}|:\"<>?",
]


def token_type(sp, piece_id):
    if sp.IsUnknown(piece_id):
        return UNKNOWN
    if sp.IsControl(piece_id):
        return CONTROL
    if sp.IsByte(piece_id):
        return BYTE
    if sp.IsUnused(piece_id):
        return UNUSED
    if sp.IdToPiece(piece_id) in USER_SYMBOLS:
        return USER_DEFINED
    return NORMAL


def main():
    corpus = sys.argv[1] if len(sys.argv) > 1 else "data/sst2/train.txt"
    out = sys.argv[2] if len(sys.argv) > 2 else "Tests/Fixtures/sentencepiece/llama_style_vocab.json"
    with open(corpus, encoding="utf-8") as f:
        sentences = [line.split(" ", 1)[1].strip() for line in f if " " in line]
    with tempfile.TemporaryDirectory() as folder:
        text_path = os.path.join(folder, "corpus.txt")
        with open(text_path, "w", encoding="utf-8") as f:
            f.write("\n".join(sentences + ["Café naïve déjà Ωmega Straße"] * 5))
        prefix = os.path.join(folder, "spm")
        spm.SentencePieceTrainer.train(
            input=text_path, model_prefix=prefix, model_type="bpe", vocab_size=1000,
            byte_fallback=True, split_digits=True, normalization_rule_name="identity",
            remove_extra_whitespaces=False, add_dummy_prefix=True, character_coverage=1.0,
            user_defined_symbols=USER_SYMBOLS, unk_id=0, bos_id=1, eos_id=2, pad_id=-1,
            allow_whitespace_only_pieces=True, minloglevel=2)
        sp = spm.SentencePieceProcessor(model_file=prefix + ".model")
    size = sp.GetPieceSize()
    texts = EDGE_CASES + sentences[:200]
    result = {
        "tokens": [sp.IdToPiece(i) for i in range(size)],
        "scores": [sp.GetScore(i) for i in range(size)],
        "token_types": [token_type(sp, i) for i in range(size)],
        "bos_token_id": 1, "eos_token_id": 2, "unknown_token_id": 0,
        "cases": [{"text": t, "ids": sp.encode(t)} for t in texts],
    }
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False)
    print("wrote", out, size, "pieces,", len(texts), "texts; sentencepiece", spm.__version__)


if __name__ == "__main__":
    main()
