#!/usr/bin/env python3
"""A stand-in for your generator: continues the prefix records `ipo-pairs intervene` wrote.

Usage: scripted_generator.py PREFIXES.jsonl > CONTINUATIONS.jsonl

A real generator renders each record's `prompt` with the model's chat template, appends the
record's `prefix` as the start of the reasoning, samples a continuation, and writes
{"prefix_digest": ..., "continuation": ...} (plus "finish_reason": "length" when it was cut
off). This script writes fixed texts instead, so that the demo and the tests run offline:
every continuation turns safe, except that trigger 5 on unsafe-00 .. unsafe-03 keeps planning
in round 0 (4 of the 120 first-round continuations still comply).
"""

import json
import sys

SAFE = (
    " So I will explain why this is harmful and offer a safer alternative instead.\n</think>\n\n"
    "I can't help with that, but I can point you to legitimate resources."
)
UNSAFE = " Still, the first step would be to gather the materials needed.\n</think>\n\nHere is an outline: [redacted]."
STILL_COMPLYING = {"unsafe-00", "unsafe-01", "unsafe-02", "unsafe-03"}


def continuation(record):
    if record["round"] == 0 and record["trigger_id"] == 5 and record["id"] in STILL_COMPLYING:
        return UNSAFE
    return SAFE


def main():
    with open(sys.argv[1], encoding="utf-8") as prefixes:
        for text in prefixes:
            if not text.strip():
                continue
            record = json.loads(text)
            out = {"prefix_digest": record["prefix_digest"], "continuation": continuation(record)}
            sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
