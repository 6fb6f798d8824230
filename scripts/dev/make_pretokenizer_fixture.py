#!/usr/bin/env python3
"""Writes Tests/Fixtures/pretokenizer_splits.json: how HF `tokenizers` (Oniguruma regexes) splits texts
before byte-level BPE, for each pre-tokenizer kind loraf implements by hand (dev script, not CI).

Kinds: gpt2 (ByteLevel's regex), llama3 and qwen2 (the Split regexes of their tokenizer.json files),
smollm (Digits(individual_digits=True) then the GPT-2 regex). Texts: hand-written edge cases plus
seeded random strings drawn from letters, digits, marks, punctuation, symbols and white space of
several scripts.

Needs: pip install tokenizers
"""
import json
import random
import sys

from tokenizers import Regex, pre_tokenizers

GPT2 = r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"
LLAMA3 = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}"
          r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")
QWEN2 = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}"
         r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")


def split(pattern):
    return pre_tokenizers.Split(Regex(pattern), behavior="isolated", invert=False)


KINDS = {
    "gpt2": split(GPT2),
    "llama3": split(LLAMA3),
    "qwen2": split(QWEN2),
    "smollm": pre_tokenizers.Sequence([pre_tokenizers.Digits(individual_digits=True), split(GPT2)]),
}

EDGE_CASES = [
    "Hello, world!", "  leading spaces\tand tabs\n", "a\n\n\nb", "   ", "", "x", " ", "\n", "\r\n\r\n",
    "don't stop-believing... I'm 'quoted'", "DON'T I'LL WE'VE THEY'RE SHE'S 'S 'sup", "'s's't",
    "1234567890 3.14159 1e-5", "a1b22c333d4444", " 12 345 6789", "٣٤٥ ½ ² Ⅻ", "naïve café — déjà vu",
    "日本語のテキスト", "emoji 😀 test 👍🏽!", "def f(x):\n    return x**2  # comment", "a  \n  b", "a \t\n b",
    "end with spaces   ", "tab\t\tword", "(hello) [world] {x}", "...'s", "x'", "\u200bzero width",
    "Straße über Ärger", "\u00a0nbsp\u3000ideographic", "line1\rline2\u2028line3\u2029", "!!!\n\n\nok",
    " !?\r\n", "ÀÉÎÕÜ ß ﬁ Ωmega", "e\u0301 combining", "मनीष", "\t\n\t\nx", "  \u00a0x",
]

POOL = ("abcXYZéßΩжд日本語한국" "0123456789٣½Ⅻ" "\u0301\u0308" ".,;:!?'\"()-—…€$+<=>^`|~@#%&*/\\_"
        "😀👍" "  \t\n\r\u00a0\u3000\u2028")


def random_texts(count, seed=7):
    rng = random.Random(seed)
    return ["".join(rng.choice(POOL) for _ in range(rng.randint(1, 24))) for _ in range(count)]


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "Tests/Fixtures/pretokenizer_splits.json"
    texts = EDGE_CASES + random_texts(400)
    result = {"texts": texts, "kinds": {}}
    for name, pre in KINDS.items():
        result["kinds"][name] = [[piece for piece, _ in pre.pre_tokenize_str(text)] for text in texts]
    with open(out, "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False)
    print("wrote", out, len(texts), "texts")


if __name__ == "__main__":
    main()
