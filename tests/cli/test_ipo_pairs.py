#!/usr/bin/env python3
"""End-to-end tests of ipo-pairs on the bundled data and on bad input.

Usage: test_ipo_pairs.py IPO_PAIRS_BINARY DATA_DIR
Expected counts follow from how examples/data/make_sample_data.py builds the data:
60 traces = 20 unsafe (compliance sentence at step 2 for 10 of them, at step 3 for the other
10) + 20 safe (a trigger, no compliance cue) + 20 benign; 6 default triggers, so 20 x 6 = 120
prefixes; 4 of the 120 continuations still plan the harmful task, so 116 pairs.
"""
import json
import os
import subprocess
import sys
import tempfile

BINARY, DATA = sys.argv[1], sys.argv[2]
TRACES = os.path.join(DATA, "traces.jsonl")
CONTINUATIONS = os.path.join(DATA, "continuations.jsonl")
results = {"passed": 0, "failed": 0}


def check(condition, what):
    if condition:
        results["passed"] += 1
    else:
        results["failed"] += 1
        print("FAILED:", what)


def run(*args, stdin=None):
    return subprocess.run([BINARY, *args], input=stdin, capture_output=True)


def lines(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


work = tempfile.mkdtemp()
out = lambda name: os.path.join(work, name)

# detect
r = run("detect", TRACES, "-o", out("detect.jsonl"), "-q")
check(r.returncode == 0, f"detect exits 0 ({r.stderr!r})")
detected = lines(out("detect.jsonl"))
check(len(detected) == 60, "detect writes one line per trace, in order")
check([d["id"] for d in detected[:2]] == ["unsafe-00", "unsafe-01"], "detect keeps the input order")
flagged = [d for d in detected if d["first_compliance"] is not None]
check(len(flagged) == 20, "20 traces have a compliance step")
check(all(d["id"].startswith("unsafe-") for d in flagged), "only the unsafe traces are flagged")
check(sorted(d["first_compliance"]["step"] for d in flagged) == [2] * 10 + [3] * 10, "steps 2 and 3, ten each")
first = flagged[0]["first_compliance"]
check(first["text"] == "Since it's hypothetical, I'll start by outlining the general approach.", "the step text")
check(first["end"] - first["begin"] == len(first["text"].encode()), "offsets are bytes of the step")
check(all(d["n_steps"] >= 3 for d in detected), "every trace has steps")
check(any(d["trigger_steps"] for d in detected if d["id"].startswith("safe-")), "safe traces have trigger steps")

# stdin / stdout, and the question field fallback (safe traces use "question")
with open(TRACES, "rb") as f:
    r = run("detect", "-", "-q", stdin=f.read())
check(r.returncode == 0 and len(r.stdout.decode().splitlines()) == 60, "detect reads stdin and writes stdout")

# intervene
r = run("intervene", TRACES, "-o", out("prefixes.jsonl"), "-q")
check(r.returncode == 0, "intervene exits 0")
prefixes = lines(out("prefixes.jsonl"))
check(len(prefixes) == 120, "20 traces x 6 triggers = 120 prefixes")
check(sorted({p["trigger_id"] for p in prefixes}) == list(range(6)), "every trigger is used")
with open(TRACES, encoding="utf-8") as f:
    unsafe0 = json.loads(f.readline())
reasoning0 = unsafe0["response"].split("<think>\n")[1].split("\n</think>")[0]
p0 = prefixes[0]
cut = reasoning0.index("Since it's hypothetical")
check(p0["prefix"].startswith(reasoning0[:cut]), "the prefix keeps the reasoning before step h byte for byte")
check(p0["h"] == 2 and p0["prompt"] == unsafe0["prompt"], "h and prompt are carried")
r = run("intervene", TRACES, "-o", out("rr.jsonl"), "-q", "--selection", "round-robin")
check(r.returncode == 0 and len(lines(out("rr.jsonl"))) == 20, "round-robin: one prefix per flagged trace")

# join
r = run("join", TRACES, CONTINUATIONS, "-o", out("pairs.jsonl"), "-q")
check(r.returncode == 0, f"join exits 0 ({r.stderr!r})")
pairs = lines(out("pairs.jsonl"))
check(len(pairs) == 116, "116 pairs: 120 continuations minus the 4 that still comply")
check(not any(p["id"] in {"unsafe-00", "unsafe-01", "unsafe-02", "unsafe-03"} and p["trigger_id"] == 5 for p in pairs),
      "the complying continuations give no pair")
pair = pairs[0]
check(pair["prompt"] == unsafe0["prompt"] + "\n<think>\n" + reasoning0[:cut], "prompt = rendered prompt + shared prefix")
check(pair["rejected"] == reasoning0[cut:], "rejected = the reasoning from step h on")
check(pair["chosen"].startswith("Wait, I should stop here"), "chosen starts with the trigger")
check("</think>" not in pair["chosen"], "the response is left out by default")
r = run("join", TRACES, CONTINUATIONS, "-o", out("pairs_full.jsonl"), "-q", "--include-response", "--prompt-format", "<x>{prompt}</x>")
full = lines(out("pairs_full.jsonl"))
check("</think>" in full[0]["chosen"] and "</think>" in full[0]["rejected"], "--include-response keeps the responses")
check(full[0]["prompt"].startswith("<x>" + unsafe0["prompt"] + "</x>"), "--prompt-format renders the prompt")

# stats
r = run("stats", TRACES, "-q")
text = r.stdout.decode()
check(r.returncode == 0 and "traces: 60" in text and "with a compliance cue: 20" in text, "stats counts")
check("step   2 |" in text and "step   3 |" in text, "stats histogram")

# bad input: each fails with the line number, leaves no output file, or is skipped on request
def bad(content, expect, *extra, name="bad.jsonl"):
    path = out(name)
    with open(path, "wb") as f:
        f.write(content)
    target = out("bad_out.jsonl")
    if os.path.exists(target):
        os.remove(target)
    r = run("detect", path, "-o", target, "-q", *extra)
    return r, target


good = b'{"id": "a", "prompt": "p", "response": "x</think>y"}\n'
cases = [
    (b'{"id": "a", "prompt": "p", "resp', "truncated JSON", ":2: malformed JSON"),
    (b'{"id": "a", "prompt": "p"}', "missing field", ':2: missing field "response"'),
    (b'{"id": "a", "prompt": 3, "response": "x"}', "wrong type", ':2: field "prompt" is number'),
    (b'{"id": "a", "prompt": "p", "response": "bad \xff byte"}', "invalid UTF-8", ":2: malformed JSON"),
    (b'[1, 2]', "not an object", ":2: expected a JSON object"),
]
for payload, what, message in cases:
    r, target = bad(good + payload + b"\n", what)
    err = r.stderr.decode()  # strict: messages must be valid UTF-8 even for invalid input
    check(r.returncode == 1, f"{what}: exit code 1")
    check(message in err, f"{what}: message names the line ({err!r})")
    check(not os.path.exists(target), f"{what}: no half-written output")
    r, target = bad(good + payload + b"\n" + good, what, "--on-error", "skip")
    check(r.returncode == 0 and len(lines(target)) == 2, f"{what}: --on-error skip keeps the good lines")
r, target = bad(b"", "empty file")
check(r.returncode == 0 and os.path.exists(target) and os.path.getsize(target) == 0, "an empty file gives an empty output")

bad_continuation = out("bad_cont.jsonl")
with open(bad_continuation, "w") as f:
    f.write('{"id": "unsafe-00", "trigger_id": 9, "continuation": "x"}\n')
r = run("join", TRACES, bad_continuation, "-o", out("never.jsonl"), "-q")
check(r.returncode == 1 and ":1: unknown trigger_id 9" in r.stderr.decode(), "an unknown trigger id is an error")
with open(bad_continuation, "w") as f:
    f.write('{"id": "nobody", "trigger_id": 0, "continuation": "x"}\n')
r = run("join", TRACES, bad_continuation, "-o", out("never.jsonl"), "-q")
check(r.returncode == 1 and 'no trace with id "nobody"' in r.stderr.decode(), "an unknown trace id is an error")
check(not os.path.exists(out("never.jsonl")), "failed joins leave no output")

print(f"{results['passed']} passed, {results['failed']} failed")
sys.exit(1 if results["failed"] else 0)
