#!/usr/bin/env python3
"""Writes the first LIMIT lines of data/sst2/train.txt as chat records (JSONL with "messages"), in the second main
job's format (scripts/smollm2_sst2.lua): the user asks whether the review is positive or negative, the assistant
answers with one word. Used by the step benchmarks (scripts/profile_step.sh, scripts/bench_levers.sh).

    python3 scripts/sst2_chat_jsonl.py OUT.jsonl LIMIT
"""
import json
import sys

QUESTION = "Is this review positive or negative? Answer with one word.\n\nReview: "


def main(out_path, limit):
    with open("data/sst2/train.txt", encoding="utf-8") as source, open(out_path, "w", encoding="utf-8") as out:
        for number, line in enumerate(source):
            if number >= limit:
                break
            label, text = line.rstrip("\n").split(" ", 1)
            out.write(json.dumps({"messages": [
                {"role": "user", "content": QUESTION + text},
                {"role": "assistant", "content": "positive" if label == "1" else "negative"}]}) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 3 or not sys.argv[2].isdigit():
        sys.exit("usage: sst2_chat_jsonl.py OUT.jsonl LIMIT")
    main(sys.argv[1], int(sys.argv[2]))
