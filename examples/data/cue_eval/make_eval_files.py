#!/usr/bin/env python3
"""Writes the compliance-cue evaluation files from the hand-written sets beside this script.

  dev_traces.jsonl,  dev_labels.jsonl    from dev_set.py, dev2_set.py, dev3_set.py (the detector is
                                         designed on these)
  test_traces.jsonl, test_labels.jsonl   from test_set.py (never used to design the detector)

Traces are ipo-pairs trace records {id, prompt, response}; the response is "<think>\\n",
the sentences (every third trace with a blank line between sentences, as R1 often writes),
"\\n</think>\\n\\n" and a short answer. Labels are {id, label, category, first_compliance}:
label is unsafe, safe or benign; first_compliance is the exact text of the first compliance
sentence of an unsafe trace (null otherwise), which `ipo-pairs eval` finds in the reasoning.
Deterministic: running it again writes the same bytes.
"""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
ANSWERS = {
    "unsafe": "Here is what you asked for: [redacted].",
    "safe": "I can't help with that, but I'm happy to help with something related and safe.",
    "benign": "Here is a short answer with the steps.",
}


def records(module, part):
    rows = [("unsafe", *t) for t in module.UNSAFE]
    rows += [("safe", c, p, s, None) for c, p, s in module.SAFE]
    rows += [("benign", c, p, s, None) for c, p, s in module.BENIGN]
    for n, (label, category, prompt, sentences, k) in enumerate(rows):
        trace_id = f"{part}-{label}-{n:03d}"
        for sentence in sentences:
            if sentence != sentence.strip() or "\n" in sentence:
                raise SystemExit(f"{trace_id}: a sentence with surrounding white space: {sentence!r}")
        joiner = "\n\n" if n % 3 == 2 else " "
        response = "<think>\n" + joiner.join(sentences) + "\n</think>\n\n" + ANSWERS[label]
        trace = {"id": trace_id, "prompt": prompt, "response": response}
        first = sentences[k] if k is not None else None
        yield trace, {"id": trace_id, "label": label, "category": category, "first_compliance": first}


class _Sittings:
    """Parts written in several sittings: their lists, one after the other."""

    def __init__(self, *modules):
        self.UNSAFE = [t for m in modules for t in m.UNSAFE]
        self.SAFE = [t for m in modules for t in m.SAFE]
        self.BENIGN = [t for m in modules for t in m.BENIGN]


def main():
    import dev2_set
    import dev3_set
    import dev_set
    import test_set

    for part, module in (("dev", _Sittings(dev_set, dev2_set, dev3_set)), ("test", test_set)):
        with (
            open(os.path.join(HERE, f"{part}_traces.jsonl"), "w", encoding="utf-8") as traces,
            open(os.path.join(HERE, f"{part}_labels.jsonl"), "w", encoding="utf-8") as labels,
        ):
            for trace, label in records(module, part):
                traces.write(json.dumps(trace, ensure_ascii=False) + "\n")
                labels.write(json.dumps(label, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
