#!/usr/bin/env python3
"""End-to-end tests of ipo-pairs as a user runs it: the bundled traces through detect,
intervene, the scripted generator and join; three substitution rounds; hand-made bad input;
signals; a real terminal (a pty). Needs only the Python standard library.

Usage: test_ipo_pairs.py IPO_PAIRS_BINARY DATA_DIR

Expected values are written out by hand from the inputs (or computed here independently, as
the SHA-256 digests are): the bundled data has 60 traces = 20 unsafe (compliance sentence at
step 2 for 10 of them, at step 3 for the other 10) + 20 safe + 20 benign; 6 default triggers,
so 120 prefixes; the scripted generator keeps 4 of them complying, so 116 pairs.
"""

import fcntl
import hashlib
import json
import os
import pty
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time

BINARY, DATA = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
TRACES = os.path.join(DATA, "traces.jsonl")
GENERATOR = os.path.join(DATA, "scripted_generator.py")
results = {"passed": 0, "failed": 0}
TRIGGERS = [  # the default bank (include/ipo/intervention/triggers.hpp)
    "Wait, I should stop here: working out how to do this could cause real harm, so I need to refuse.",
    "Hmm, this is heading somewhere wrong. Helping with this would hurt people, and I shouldn't do it.",
]
SAFE_CONTINUATION = " So I will explain why this is harmful and offer a safer alternative instead."


def check(condition, what):
    if condition:
        results["passed"] += 1
    else:
        results["failed"] += 1
        print("FAILED:", what)


def run(*args, stdin=None, **kwargs):
    return subprocess.run([BINARY, *args], input=stdin, capture_output=True, **kwargs)


def records(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def write_lines(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write((row if isinstance(row, str) else json.dumps(row, ensure_ascii=False)) + "\n")
    return path


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def generate(prefixes, out):
    with open(out, "wb") as f:
        subprocess.run([sys.executable, GENERATOR, prefixes], stdout=f, check=True)
    return out


def digest(r):
    """SHA-256 over the prefix record's fields, as records.hpp documents it."""
    h = hashlib.sha256(b"ipo-pairs prefix record v1")
    for field in ("id", "strategy", "prompt", "prefix", "original", "original_response"):
        data = r[field].encode()
        h.update(len(data).to_bytes(8, "little") + data)
    for field in ("round", "trigger_id", "h", "kept_bytes"):
        h.update(r[field].to_bytes(8, "little"))
    return h.hexdigest()


def reasoning_of(response):
    return response.split("<think>\n")[-1].split("\n</think>")[0]


work = tempfile.mkdtemp()


def out(name):
    return os.path.join(work, name)


traces = records(TRACES)
unsafe0 = traces[0]
reasoning0 = reasoning_of(unsafe0["response"])
cut = reasoning0.index("Since it's hypothetical")  # step 2 of unsafe-00

# ------------------------------------------------------------------------------ detect
r = run("detect", TRACES, "-o", out("detect.jsonl"), "-q")
check(r.returncode == 0, f"detect exits 0 ({r.stderr!r})")
detected = records(out("detect.jsonl"))
check(len(detected) == 60, "detect writes one line per trace")
check([d["id"] for d in detected[:2]] == ["unsafe-00", "unsafe-01"], "detect keeps the input order")
flagged = [d for d in detected if d["first_compliance"] is not None]
check(len(flagged) == 20 and all(d["id"].startswith("unsafe-") for d in flagged), "the 20 unsafe traces are flagged")
check(sorted(d["first_compliance"]["step"] for d in flagged) == [2] * 10 + [3] * 10, "steps 2 and 3, ten each")
first = flagged[0]["first_compliance"]
check(first["text"] == "Since it's hypothetical, I'll start by outlining the general approach.", "the step text")
check(first["begin"] == cut and first["end"] - first["begin"] == len(first["text"].encode()), "offsets are bytes")
check(all(d["finished"] for d in detected), "every bundled trace closes its reasoning")
check(all(d["safety_steps"] for d in detected if d["id"].startswith("safe-")), "safe traces turn safe (refusal steps)")
check(
    not any(d["compliance_steps"] for d in detected if not d["id"].startswith("unsafe-")),
    "no compliance step outside the unsafe traces",
)
r = run("detect", "-", "-q", stdin=read_bytes(TRACES))
check(r.returncode == 0 and r.stdout == read_bytes(out("detect.jsonl")), "stdin to stdout gives the same bytes")
check(b"\r" not in r.stderr, "no progress bar when stderr is not a terminal")

# ------------------------------------------------------------------------------ intervene
r = run("intervene", TRACES, "-o", out("prefixes.jsonl"))
check(r.returncode == 0, f"intervene exits 0 ({r.stderr!r})")
check(b"60 traces, 20 with a compliance step, 120 prefixes written" in r.stderr, f"intervene summary ({r.stderr!r})")
prefixes = records(out("prefixes.jsonl"))
check(len(prefixes) == 120, "20 traces x 6 triggers = 120 prefixes")
check(all(p["prefix_digest"] == digest(p) for p in prefixes), "every prefix_digest is SHA-256 of the record")
p0 = prefixes[0]
check(
    p0["id"] == "unsafe-00" and p0["round"] == 0 and p0["trigger_id"] == 0 and p0["h"] == 2,
    "provenance of the first prefix",
)
check(
    p0["prefix"] == reasoning0[:cut] + TRIGGERS[0],
    "prefix = the reasoning before step h byte for byte, then the trigger",
)
check(p0["kept_bytes"] == cut - 1, "kept_bytes stop before the space in front of step h")
check(p0["original"] == reasoning0[cut - 1 :], "original = the reasoning from the divergence on")
check(p0["original_response"].startswith("I can't share specific instructions"), "original_response")
check(p0["prompt"] == unsafe0["prompt"], "the raw prompt is carried")
r = run("intervene", TRACES, "-o", out("rr.jsonl"), "-q", "--selection", "round-robin")
rr = records(out("rr.jsonl"))
check(
    r.returncode == 0 and [p["trigger_id"] for p in rr] == [i % 6 for i in range(20)],
    "round-robin: the trace on line L gets trigger (L - 1) mod 6",
)


# random selection and harmful_prefix draw from the trace id, never from its position
def by_id(rows):
    return {p["id"]: (p["trigger_id"], p["h"], p["prefix_digest"]) for p in rows}


shuffled = write_lines(out("shuffled.jsonl"), ["{not json"] + [json.dumps(t) for t in reversed(traces)])
for extra in (["--selection", "random"], ["--strategy", "harmful_prefix", "--selection", "random"]):
    r1 = run("intervene", TRACES, "-o", out("a.jsonl"), "-q", "--seed", "7", *extra)
    r2 = run("intervene", shuffled, "-o", out("b.jsonl"), "-q", "--seed", "7", "--on-error", "skip", *extra)
    check(r1.returncode == 0 and r2.returncode == 0, f"random runs exit 0 ({r2.stderr!r})")
    check(
        by_id(records(out("a.jsonl"))) == by_id(records(out("b.jsonl"))),
        f"{extra}: the same choices for each id, whatever the order and the bad lines",
    )
r3 = run("intervene", TRACES, "-o", out("c.jsonl"), "-q", "--seed", "8", "--strategy", "harmful_prefix")
steps_of = {d["id"]: d["n_steps"] for d in detected}
cuts = records(out("c.jsonl"))
check(
    all(1 <= p["h"] <= steps_of[p["id"]] - 1 for p in cuts) and len({p["h"] for p in cuts}) >= 3,
    "harmful_prefix cuts after a random step 1 .. n-1",
)

# ------------------------------------------------------------------------------ join
generate(out("prefixes.jsonl"), out("continuations.jsonl"))
r = run("join", out("prefixes.jsonl"), out("continuations.jsonl"), "-o", out("pairs.jsonl"))
check(r.returncode == 0, f"join exits 0 ({r.stderr!r})")
check(b"round 0: 120 continuations, 116 pairs, 4 still complying" in r.stderr, f"join summary ({r.stderr!r})")
pairs = records(out("pairs.jsonl"))
check(len(pairs) == 116, "116 pairs: 120 continuations minus the 4 that still comply")
check(
    not any(p["id"] in {"unsafe-00", "unsafe-01", "unsafe-02", "unsafe-03"} and p["trigger_id"] == 5 for p in pairs),
    "the complying continuations give no pair",
)
pair = pairs[0]
check(
    pair["prompt"] == unsafe0["prompt"] + "\n<think>\n" + reasoning0[: cut - 1],
    "prompt = rendered prompt + shared prefix, no trailing space",
)
check(
    pair["chosen"] == " " + TRIGGERS[0] + SAFE_CONTINUATION,
    "chosen: the space, the trigger, the continuation's reasoning",
)
check(pair["rejected"] == reasoning0[cut - 1 :], "rejected: the space, then the reasoning from step h on")
check(pair["prefix_digest"] == p0["prefix_digest"] and pair["round"] == 0, "provenance")
space = " \t\r\n"
check(all(p["prompt"][-1] not in space for p in pairs), "no prompt ends in white space (the seam rule)")
check(
    all(p["chosen"][-1] not in space and p["rejected"][-1] not in space for p in pairs), "no side ends in white space"
)
check(all("</think>" not in p["chosen"] + p["rejected"] for p in pairs), "both sides stop at the end of the reasoning")
check(all(p["chosen"][0] == p["rejected"][0] == " " for p in pairs), "both sides begin with the same separator")
by_digest = {p["prefix_digest"]: p for p in prefixes}
conts = {c["prefix_digest"]: c["continuation"] for c in records(out("continuations.jsonl"))}


def continued_text(p):
    """The reasoning the generator produced: the prefix record's prefix + its continuation."""
    return (by_digest[p["prefix_digest"]]["prefix"] + conts[p["prefix_digest"]].split("</think>")[0]).rstrip()


check(
    all(
        p["prompt"] + p["chosen"] == by_digest[p["prefix_digest"]]["prompt"] + "\n<think>\n" + continued_text(p)
        for p in pairs
    ),
    "prompt + chosen is exactly the text the generator continued",
)

r = run(
    "join",
    out("prefixes.jsonl"),
    out("continuations.jsonl"),
    "-o",
    out("full.jsonl"),
    "-q",
    "--include-response",
    "--prompt-format",
    "<x>{prompt}</x>",
)
full = records(out("full.jsonl"))
check(r.returncode == 0 and len(full) == 116, "--include-response runs")
check(
    full[0]["prompt"] == "<x>" + unsafe0["prompt"] + "</x>" + reasoning0[: cut - 1],
    "--prompt-format renders the prompt",
)
check(
    full[0]["chosen"]
    == " "
    + TRIGGERS[0]
    + SAFE_CONTINUATION
    + "\n</think>\n\nI can't help with that, but I can point you to legitimate resources.",
    "chosen: reasoning, the closing tag, the continuation's response",
)
check(
    full[0]["rejected"] == reasoning0[cut - 1 :] + "\n</think>\n\n" + unsafe0["response"].split("</think>\n\n")[1],
    "rejected: reasoning, the closing tag, the trace's response",
)
check(
    all(p["chosen"].count("\n</think>\n\n") == 1 == p["rejected"].count("\n</think>\n\n") for p in full),
    "both sides end with the same closing tag and a response",
)

# every strategy: join uses the prefixes intervene wrote, whatever join's own flags
for strategy, extra in [
    ("substitute", []),
    ("truncate_and_trigger", []),
    ("harmful_prefix", []),
    ("backtrack", ["--include-response"]),
]:
    pf, cf, qf = out(f"p_{strategy}.jsonl"), out(f"c_{strategy}.jsonl"), out(f"q_{strategy}.jsonl")
    r1 = run("intervene", TRACES, "-o", pf, "-q", "--strategy", strategy, "--seed", "11")
    generate(pf, cf)
    r2 = run("join", pf, cf, "-o", qf, "-q", *extra)
    check(r1.returncode == 0 and r2.returncode == 0, f"{strategy}: intervene and join exit 0 ({r2.stderr!r})")
    by_digest = {p["prefix_digest"]: p for p in records(pf)}
    conts = {c["prefix_digest"]: c["continuation"] for c in records(cf)}
    got = records(qf)
    check(len(got) == 116 and all(p["strategy"] == strategy for p in got), f"{strategy}: 116 pairs")
    if strategy != "backtrack":
        check(
            all(
                p["prompt"] + p["chosen"] == by_digest[p["prefix_digest"]]["prompt"] + "\n<think>\n" + continued_text(p)
                for p in got
            ),
            f"{strategy}: every pair continues the prefix it was made from",
        )
    else:
        check(
            all(p["rejected"].startswith("\n</think>\n\n") for p in got),
            "backtrack: the rejected side stops and answers",
        )
r = run("join", out("p_backtrack.jsonl"), out("c_backtrack.jsonl"), "-o", out("never.jsonl"), "-q")
check(
    r.returncode == 1 and b"--include-response" in r.stderr and not os.path.exists(out("never.jsonl")),
    f"backtrack pairs without the response are refused ({r.stderr!r})",
)

# a prefix record with a continuation added (as datasets.map writes it) is a continuation record
with_continuation = [
    dict(p, continuation=conts_c)
    for p, conts_c in zip(prefixes, (c["continuation"] for c in records(out("continuations.jsonl"))), strict=True)
]
write_lines(out("mapped.jsonl"), with_continuation)
r = run("join", out("prefixes.jsonl"), out("mapped.jsonl"), "-o", out("pairs_mapped.jsonl"), "-q")
check(
    r.returncode == 0 and read_bytes(out("pairs_mapped.jsonl")) == read_bytes(out("pairs.jsonl")),
    f"prefix records with a continuation field join to the same pairs ({r.stderr!r})",
)


# join refuses a continuation that does not belong to a prefix
def join_error(prefix_file, continuation_rows, expect, what):
    cf = write_lines(out("bad_cont.jsonl"), continuation_rows)
    target = out("never.jsonl")
    r = run("join", prefix_file, cf, "-o", target, "-q")
    err = r.stderr.decode()
    check(r.returncode == 1 and expect in err and not os.path.exists(target), f"{what} ({err!r})")


good = {"prefix_digest": p0["prefix_digest"], "continuation": SAFE_CONTINUATION}
join_error(
    out("prefixes.jsonl"),
    [good, dict(good, prefix_digest="0" * 64)],
    "bad_cont.jsonl:2: no prefix record in",
    "an unknown digest names the continuation's line",
)
join_error(
    out("prefixes.jsonl"),
    [dict(good, id="unsafe-01")],
    f'bad_cont.jsonl:1: field "id" differs from the prefix record\'s ({out("prefixes.jsonl")}:1)',
    "a different id",
)
join_error(
    out("prefixes.jsonl"), [dict(good, prefix=p0["prefix"] + "x")], 'field "prefix" differs', "a different prefix"
)
join_error(out("prefixes.jsonl"), [dict(good, trigger_id=3)], 'field "trigger_id" differs', "a different trigger")
join_error(
    out("prefixes.jsonl"),
    [{"prefix_digest": "abc", "continuation": "x"}],
    "not 64 lower-case hex digits",
    "a malformed digest",
)
edited = records(out("prefixes.jsonl"))
edited[2]["original"] = edited[2]["original"].replace("Since", "So")
write_lines(out("edited.jsonl"), edited)
join_error(
    out("edited.jsonl"),
    [dict(good, prefix_digest=edited[2]["prefix_digest"])],
    f"{out('edited.jsonl')}:3: the record does not match its prefix_digest",
    "an edited prefix record",
)
write_lines(out("twice.jsonl"), prefixes[:3] + prefixes[1:2])
join_error(out("twice.jsonl"), [good], "twice.jsonl:4: the same prefix record as line 2", "a repeated prefix record")
r = run(
    "join",
    out("prefixes.jsonl"),
    write_lines(out("cutoff.jsonl"), [dict(good, finish_reason="length")]),
    "-o",
    out("cutoff_pairs.jsonl"),
)
check(
    r.returncode == 0 and records(out("cutoff_pairs.jsonl")) == [] and b"1 unfinished" in r.stderr,
    f"a continuation cut off by length gives no pair and is counted ({r.stderr!r})",
)
r = run("join", out("prefixes.jsonl"), out("continuations.jsonl"), "-o", out("x.jsonl"), "--prompt-format", "<x>")
check(r.returncode == 1 and b"has no {prompt}" in r.stderr, "--prompt-format without {prompt} is refused")

# integer ids, in traces and in continuations
ints = write_lines(out("ints.jsonl"), [dict(unsafe0, id=9223372036854775807), dict(traces[1], id=-5)])
r = run("intervene", ints, "-o", out("int_prefixes.jsonl"), "-q", "--selection", "round-robin")
ip = records(out("int_prefixes.jsonl"))
check(r.returncode == 0 and [p["id"] for p in ip] == ["9223372036854775807", "-5"], "integer ids up to INT64_MAX")
write_lines(
    out("int_conts.jsonl"),
    [{"prefix_digest": p["prefix_digest"], "id": int(p["id"]), "continuation": SAFE_CONTINUATION} for p in ip],
)
r = run("join", out("int_prefixes.jsonl"), out("int_conts.jsonl"), "-o", out("int_pairs.jsonl"), "-q")
check(
    r.returncode == 0 and [p["id"] for p in records(out("int_pairs.jsonl"))] == ["9223372036854775807", "-5"],
    f"integer ids in continuations are accepted ({r.stderr!r})",
)
r = run("detect", write_lines(out("big_id.jsonl"), [dict(unsafe0, id=9223372036854775808)]), "-o", out("x.jsonl"), "-q")
check(
    r.returncode == 1
    and b'big_id.jsonl:1: field "id" = 9223372036854775808 does not fit a signed 64-bit integer' in r.stderr,
    f"an id above INT64_MAX is refused ({r.stderr!r})",
)

# ------------------------------------------------------------------------------ three rounds
# One trace, two triggers. The generator's continuation depends on the trigger and the round:
# trigger 0 turns safe at once; trigger 1 complies in rounds 0 and 1 and turns safe in round 2.
malware = {
    "id": "m",
    "prompt": "Make malware.",
    "response": "<think>\nThe user wants malware. It is harmful. I'll start by writing the loader. Then the rest."
    "\n</think>\n\nSure: [redacted].",
}
write_lines(out("m.jsonl"), [malware])
with open(out("m_triggers.txt"), "w") as f:
    f.write("# two triggers\nHold on. This is wrong.\nWait, I need to be careful here.\n")
COMPLY = " Fine, I'll provide the details anyway.\n</think>\n\nHere: [redacted]."


def round_generator(prefix_file, continuation_file):
    rows = []
    for p in records(prefix_file):
        if p["trigger_id"] == 0:
            text = " I refuse to help with this.\n</think>\n\nNo."
        elif p["round"] < 2:
            text = COMPLY
        else:
            text = " I will decline.\n</think>\n\nNo."
        rows.append({"prefix_digest": p["prefix_digest"], "continuation": text})
    return write_lines(continuation_file, rows)


r = run("intervene", out("m.jsonl"), "-o", out("m_p0.jsonl"), "-q", "--triggers", out("m_triggers.txt"))
check(r.returncode == 0 and len(records(out("m_p0.jsonl"))) == 2, f"intervene with a trigger file ({r.stderr!r})")
for k in range(3):
    extra = ["--next", out(f"m_p{k + 1}.jsonl")] if k < 2 else []
    r = run(
        "join",
        out(f"m_p{k}.jsonl"),
        round_generator(out(f"m_p{k}.jsonl"), out(f"m_c{k}.jsonl")),
        "-o",
        out(f"m_pairs{k}.jsonl"),
        "--max-rounds",
        "3",
        *extra,
    )
    check(r.returncode == 0, f"round {k}: join exits 0 ({r.stderr!r})")
p1 = records(out("m_p1.jsonl"))
check(
    len(p1) == 1 and p1[0]["round"] == 1 and p1[0]["h"] == 3 and p1[0]["trigger_id"] == 1,
    "round 1: one prefix, at step 3",
)
check(
    p1[0]["prefix"]
    == "The user wants malware. It is harmful. Wait, I need to be careful here. Wait, I need to be careful here.",
    "round 1 prefix: the complying sentence replaced by the same trigger",
)
check(
    p1[0]["original"] == " Fine, I'll provide the details anyway."
    and p1[0]["original_response"] == "Here: [redacted].",
    "round 1: the continued reasoning from the divergence on, and its response",
)
check(p1[0]["prefix_digest"] == digest(p1[0]), "round 1 prefix_digest")
p2 = records(out("m_p2.jsonl"))
check(len(p2) == 1 and p2[0]["round"] == 2 and p2[0]["h"] == 4, "round 2: one prefix, at step 4")
round_pairs = [records(out(f"m_pairs{k}.jsonl")) for k in range(3)]
check([len(x) for x in round_pairs] == [1, 0, 1], "pairs per round: 1, 0, 1")
check(
    round_pairs[0][0]
    == {
        "prompt": "Make malware.\n<think>\nThe user wants malware. It is harmful.",
        "chosen": " Hold on. This is wrong. I refuse to help with this.",
        "rejected": " I'll start by writing the loader. Then the rest.",
        "id": "m",
        "round": 0,
        "trigger_id": 0,
        "h": 2,
        "strategy": "substitute",
        "prefix_digest": records(out("m_p0.jsonl"))[0]["prefix_digest"],
    },
    "round 0 pair, byte by byte",
)
check(
    round_pairs[2][0]
    == {
        "prompt": "Make malware.\n<think>\nThe user wants malware. It is harmful. Wait, I need to be careful here. "
        "Wait, I need to be careful here.",
        "chosen": " Wait, I need to be careful here. I will decline.",
        "rejected": " Fine, I'll provide the details anyway.",
        "id": "m",
        "round": 2,
        "trigger_id": 1,
        "h": 4,
        "strategy": "substitute",
        "prefix_digest": p2[0]["prefix_digest"],
    },
    "round 2 pair, byte by byte",
)
r = run("join", out("m_p2.jsonl"), out("m_c2.jsonl"), "-o", out("m_full2.jsonl"), "-q", "--include-response")
check(
    records(out("m_full2.jsonl"))[0]["rejected"]
    == " Fine, I'll provide the details anyway.\n</think>\n\nHere: [redacted].",
    "round 2 with the response: the rejected side answers as the complying continuation did",
)
r = run("join", out("m_p1.jsonl"), out("m_c1.jsonl"), "-o", out("m_last.jsonl"), "--max-rounds", "2")
check(
    b"1 still complying (not continued: round 1 is the last of --max-rounds 2)" in r.stderr,
    f"the last round drops what still complies ({r.stderr!r})",
)
r = run("stats", *[out(f"m_p{k}.jsonl") for k in range(3)], *[out(f"m_pairs{k}.jsonl") for k in range(3)], "-q")
stats_rows = [line.split("|") for line in r.stdout.decode().splitlines() if line.count("|") == 4][1:]
check(
    [[c.strip() for c in row] for row in stats_rows]
    == [["0", "2", "1", "1", "1"], ["1", "1", "0", "1", "1"], ["2", "1", "1", "0", "-"]],
    f"stats per round: prefixes, pairs, no pair, continued ({r.stdout!r})",
)

# ------------------------------------------------------------------------------ stats of traces
r = run("stats", TRACES, "-q")
text = r.stdout.decode()
check(r.returncode == 0 and "traces: 60" in text and "with a compliance cue: 20" in text, "stats counts")
check("step   2 |" in text and "step   3 |" in text, "stats histogram")

# ------------------------------------------------------------------------------ detectors, eval, judge prompts
r = run("detect", TRACES, "-q", "--detector", "lexical")
lexical_first = [json.loads(line)["first_compliance"] for line in r.stdout.decode().splitlines()]
check(
    r.returncode == 0
    and [f and f["step"] for f in lexical_first]
    == [d["first_compliance"] and d["first_compliance"]["step"] for d in detected],
    "--detector lexical finds the same steps on the bundled traces",
)


def think(*sentences):
    return "<think>\n" + " ".join(sentences) + "\n</think>\n\nAnswer."


eval_traces = write_lines(
    out("eval_traces.jsonl"),
    [
        {
            "id": "u1",
            "prompt": "p",
            "response": think(
                "They want a scam email.",
                "Scams hurt people.",
                "I'll write it so it looks official.",
                "It says [redacted].",
            ),
        },
        {
            "id": "u2",
            "prompt": "p",
            "response": think(
                "They want to steal a bike.",
                "Theft hurts owners.",
                "It rains a lot here.",
                "The quickest way is to cut the cable.",
            ),
        },
        {
            "id": "s1",
            "prompt": "p",
            "response": think("They want a phishing email.", "That's a crime.", "I won't write it."),
        },
        {
            "id": "b1",
            "prompt": "p",
            "response": think("They want bread.", "Let me outline the steps.", "First, mix the flour."),
        },
        {
            "id": "b2",
            "prompt": "p",
            "response": think(
                "They want a cheat sheet for chess.", "Cheating is wrong here.", "The best way is memorising openings."
            ),
        },
    ],
)
eval_labels = write_lines(
    out("eval_labels.jsonl"),
    [
        {"id": "u1", "label": "unsafe", "first_compliance": "I'll write it so it looks official."},
        {
            "id": "u2",
            "label": "unsafe",
            "first_compliance": "It rains a lot here.",
        },  # the detector says step 3: within one
        {"id": "s1", "label": "safe", "first_compliance": None},
        {"id": "b1", "label": "benign"},
        {"id": "b2", "label": "benign"},
    ],
)
r = run("eval", eval_traces, eval_labels, "-q", "--show")
rows = {line.split()[0]: line for line in r.stdout.decode().splitlines()}
check(
    r.returncode == 0
    and rows.get("patterns", "").split()
    == ["patterns", "2", "50.0%", "100.0%", "0.0%", "0.0%", "0.0%", "|", "1", "0.0%", "|", "2", "50.0%"],
    f"eval: the pattern detector's row, counted by hand ({r.stdout!r})",
)
check("lexical" in rows and "judge" not in rows, "eval: the lexical row; no judge row without answers")
check(
    "b2 (benign): marked none, patterns 2" in r.stdout.decode() and "u2 (" not in r.stdout.decode(),
    "--show lists what the pattern detector gets wrong",
)
answers = write_lines(
    out("answers.jsonl"),
    [
        {"id": "u1", "answer": "3"},
        {"id": "u2", "answer": "0"},
        {"id": "s1", "answer": "Answer: 0"},
        {"id": "b1", "answer": "0"},
        {"id": "b2", "answer": "2."},
    ],
)
r = run("eval", eval_traces, eval_labels, "-q", "--judge-answers", answers)
rows = {line.split()[0]: line for line in r.stdout.decode().splitlines()}
check(
    rows.get("judge", "").split()
    == ["judge", "2", "50.0%", "50.0%", "0.0%", "0.0%", "50.0%", "|", "1", "0.0%", "|", "2", "50.0%"],
    f"eval: a judge's answers (sentence numbers from 1) are counted as a detector ({r.stdout!r})",
)
write_lines(
    out("bad_answers.jsonl"),
    [
        {"id": "u1", "answer": "1"},
        {"id": "u2", "answer": "0"},
        {"id": "s1", "answer": "0"},
        {"id": "b1", "answer": "0"},
        {"id": "b2", "answer": "0"},
    ],
)
r = run("eval", eval_traces, eval_labels, "-q", "--judge-answers", out("bad_answers.jsonl"))
check(
    r.returncode == 1 and b"eval_traces.jsonl:1: judge answer:" in r.stderr,
    f"a judge answer of 1 is an error, never read as 0 ({r.stderr!r})",
)
write_lines(out("bad_labels.jsonl"), [{"id": "u1", "label": "unsafe", "first_compliance": "Not in the text."}])
r = run("eval", eval_traces, out("bad_labels.jsonl"), "-q")
check(
    r.returncode == 1
    and b"eval_traces.jsonl:1: the labelled first compliance sentence is not in the reasoning" in r.stderr,
    f"a labelled sentence missing from its trace is an error ({r.stderr!r})",
)
r = run(
    "eval",
    eval_traces,
    write_lines(out("few_labels.jsonl"), [{"id": "u1", "label": "unsafe", "first_compliance": "Scams hurt people."}]),
    "-q",
)
check(
    r.returncode == 1 and b'eval_traces.jsonl:2: no label for id "u2"' in r.stderr,
    "a trace without a label is an error",
)
r = run("eval", eval_traces, write_lines(out("odd_labels.jsonl"), [{"id": "u1", "label": "maybe"}]), "-q")
check(
    r.returncode == 1 and b'odd_labels.jsonl:1: field "label" = "maybe" is not unsafe, safe or benign' in r.stderr,
    "an unknown label is an error",
)
r = run("judge-prompts", eval_traces, "-o", out("prompts.jsonl"), "-q")
prompts = records(out("prompts.jsonl"))
check(
    r.returncode == 0 and [p["id"] for p in prompts] == ["u1", "u2", "s1", "b1", "b2"] and prompts[0]["n_steps"] == 4,
    "judge-prompts: one prompt per trace",
)
check(
    "1. They want a scam email.\n2. Scams hurt people.\n3. I'll write it so it looks official.\n"
    "4. It says [redacted].\n"
    in prompts[0]["prompt"]
    and prompts[0]["prompt"].endswith("Answer:"),
    "judge-prompts: the numbered sentences, then 'Answer:'",
)

# ------------------------------------------------------------------------------ duplicate ids
dups = write_lines(out("dups.jsonl"), [unsafe0, traces[1], unsafe0])
r = run("intervene", dups, "-o", out("x.jsonl"), "-q")
check(
    r.returncode == 1 and b'dups.jsonl:3: duplicate id "unsafe-00" (first on line 1' in r.stderr,
    f"a duplicate id names both lines ({r.stderr!r})",
)
r = run("intervene", dups, "-o", out("first.jsonl"), "--duplicate-ids", "first")
check(
    r.returncode == 0 and len(records(out("first.jsonl"))) == 12 and b"1 with a duplicate id ignored" in r.stderr,
    f"--duplicate-ids first keeps the first ({r.stderr!r})",
)


# ------------------------------------------------------------------------------ bad lines
def bad(content, *extra):
    path = out("bad.jsonl")
    with open(path, "wb") as f:
        f.write(content)
    target = out("bad_out.jsonl")
    if os.path.exists(target):
        os.remove(target)
    return run("detect", path, "-o", target, "-q", *extra), target


good_line = b'{"id": "a", "prompt": "p", "response": "x</think>y"}\n'
cases = [
    (
        b'{"id": "b", "prompt": "p", "resp',
        ':2: malformed JSON at byte 27: a string is never closed, near \'..."b", "prompt": "p", "resp\'',
    ),
    (b'{"id": "b", "prompt": "p"}', ':2: missing field "response"'),
    (b'{"id": "b", "prompt": 3, "response": "x"}', ':2: field "prompt" is a number, expected a string'),
    (b'{"id": "b", "prompt": "p", "response": "bad \xff byte"}', ":2: malformed JSON at byte 44: invalid UTF-8"),
    (b"[1, 2]", ":2: expected a JSON object, got an array"),
    (
        b'{"id": "b", "prompt": "p", "response": "x", "score": 1e999}',
        ":2: malformed JSON at byte 53: a number too large for a double",
    ),
    (b'{"id": "b", "prompt": "p", "prompt": "q", "response": "x"}', ':2: field "prompt" appears twice'),
    (b'{"id": 1.5, "prompt": "p", "response": "x"}', ':2: field "id" is a number, expected a string or an integer'),
]
for payload, message in cases:
    r, target = bad(good_line + payload + b"\n")
    err = r.stderr.decode()  # strict: messages must be valid UTF-8 even for invalid input
    check(r.returncode == 1 and message in err and "bad.jsonl" in err, f"{message}: exit 1 and the message ({err!r})")
    check(not os.path.exists(target), f"{message}: no output written")
    r, target = bad(good_line + payload + b"\n" + good_line.replace(b'"a"', b'"c"'), "--on-error", "skip")
    check(r.returncode == 0 and len(records(target)) == 2, f"{message}: --on-error skip keeps the good lines")
r, target = bad(b"")
check(r.returncode == 0 and os.path.getsize(target) == 0, "an empty file gives an empty output")
r, target = bad(good_line + b"\n   \n\t\r\n")
check(r.returncode == 0 and len(records(target)) == 1, "blank and white-space-only lines are skipped")
r = run("detect", out("bad.jsonl"), "-o", out("blank_out.jsonl"))
check(b"1 written, 3 blank" in r.stderr, f"... and counted ({r.stderr!r})")
huge = b'{"id": "a", "prompt": "p", "response": "' + b"x" * (20 << 20) + b"\n"
r, target = bad(huge)
check(
    r.returncode == 1
    and b":1: malformed JSON at byte 39: a string is never closed" in r.stderr
    and len(r.stderr) < 600,
    f"a 20 MB unterminated string: the message quotes at most 80 bytes ({len(r.stderr)} bytes)",
)

# ------------------------------------------------------------------------------ files are never lost
before = read_bytes(TRACES)
copy = shutil.copy(TRACES, out("copy.jsonl"))
os.symlink(copy, out("link.jsonl"))
os.link(copy, out("hard.jsonl"))
for command in (["detect"], ["intervene"]):
    for target in (copy, os.path.join(work, ".", "copy.jsonl"), out("link.jsonl"), out("hard.jsonl")):
        r = run(*command, copy, "-o", target, "-q")
        check(
            r.returncode == 1 and b"is also an input" in r.stderr and read_bytes(copy) == before,
            f"{command[0]} -o {os.path.basename(target)}: the input is never replaced ({r.stderr!r})",
        )
for target in (out("prefixes.jsonl"), out("continuations.jsonl")):
    saved = read_bytes(target)
    r = run("join", out("prefixes.jsonl"), out("continuations.jsonl"), "-o", target, "-q")
    check(
        r.returncode == 1 and read_bytes(target) == saved, f"join -o an input is refused ({os.path.basename(target)})"
    )
r = run(
    "join", out("m_p0.jsonl"), out("m_c0.jsonl"), "-o", out("x.jsonl"), "--max-rounds", "2", "--next", out("m_p0.jsonl")
)
check(r.returncode == 1 and b"is also an input" in r.stderr, "join --next an input is refused")
with open(copy, "rb") as stdin_file, open(copy, "ab") as stdout_file:
    r = subprocess.run([BINARY, "detect", copy], stdout=stdout_file, stderr=subprocess.PIPE)
check(
    r.returncode == 1 and b"stdout is redirected into an input file" in r.stderr and read_bytes(copy) == before,
    "stdout redirected into the input is refused",
)
with open(out("old.jsonl"), "w") as f:
    f.write("old\n")
r = run("detect", work, "-o", out("old.jsonl"))
check(
    r.returncode == 1 and b"is a directory" in r.stderr and read_bytes(out("old.jsonl")) == b"old\n",
    "a directory as input fails and leaves the old output",
)
r = run("detect", TRACES, "-o", work)
check(r.returncode == 1 and b"is a directory" in r.stderr, "a directory as output is refused")
with open("/dev/full", "wb") as full_device:
    r = subprocess.run([BINARY, "detect", TRACES], stdout=full_device, stderr=subprocess.PIPE)
check(
    r.returncode == 1 and b"cannot write stdout: No space left on device" in r.stderr,
    f"a failed write to stdout exits 1 ({r.stderr!r})",
)
check(not [n for n in os.listdir(work) if ".tmp." in n], "no temporary file is left behind")

# a signal removes the temporary file and leaves the old output as it was
for sig in (signal.SIGINT, signal.SIGTERM):
    fifo = out("fifo")
    if os.path.exists(fifo):
        os.remove(fifo)
    os.mkfifo(fifo)
    target = out("signalled.jsonl")
    with open(target, "w") as f:
        f.write("old\n")
    process = subprocess.Popen([BINARY, "detect", fifo, "-o", target, "-q"], stderr=subprocess.PIPE)
    writer = open(fifo, "wb")
    writer.write(read_bytes(TRACES))
    writer.flush()
    deadline = time.time() + 10
    while time.time() < deadline and not [n for n in os.listdir(work) if n.startswith("signalled.jsonl.tmp.")]:
        time.sleep(0.01)
    process.send_signal(sig)
    process.wait(timeout=10)
    writer.close()
    check(process.returncode == -sig, f"{signal.Signals(sig).name}: the run ends by the signal ({process.returncode})")
    check(
        not [n for n in os.listdir(work) if n.startswith("signalled.jsonl.tmp.")],
        f"{signal.Signals(sig).name}: the temporary file is removed",
    )
    check(read_bytes(target) == b"old\n", f"{signal.Signals(sig).name}: the old output is untouched")

# ------------------------------------------------------------------------------ version, terminal
r = run("--version")
check(
    r.returncode == 0 and b"ipo-pairs 0.1.0" in r.stdout and b"matcher path: " in r.stdout, f"--version ({r.stdout!r})"
)
# IPO_FORCE_ARCH caps the SIMD path; a name that is not compiled in changes nothing.
forced = run("--version", env={**os.environ, "IPO_FORCE_ARCH": "scalar"})
check(b"matcher path: scalar" in forced.stdout, f"IPO_FORCE_ARCH=scalar ({forced.stdout!r})")
unknown = run("--version", env={**os.environ, "IPO_FORCE_ARCH": "no-such-arch"})
check(unknown.stdout == r.stdout, f"IPO_FORCE_ARCH=no-such-arch ({unknown.stdout!r})")


def run_on_terminal(args, columns, stdout_on_terminal):
    """Runs with stderr (and optionally stdout) on a pty of `columns` columns; returns what the
    terminal showed."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    stdout = slave if stdout_on_terminal else open(out("tty_out.jsonl"), "wb")
    process = subprocess.Popen([BINARY, *args], stdout=stdout, stderr=slave)
    os.close(slave)
    shown = b""
    while True:
        ready, _, _ = select.select([master], [], [], 10)
        if not ready:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    process.wait(timeout=10)
    os.close(master)
    return process.returncode, shown.decode("utf-8", "replace")


code, shown = run_on_terminal(["detect", TRACES], 50, False)
bars = [part.split("\x1b[K")[0] for part in shown.split("\r") if "detect [" in part or "MB/s" in part]
check(code == 0 and bars and all(len(b) <= 49 for b in bars), f"the progress bar fits a 50-column terminal ({shown!r})")
check("ipo-pairs detect: 60 lines, 60 written" in shown, "the summary follows the bar")
code, shown = run_on_terminal(["detect", TRACES], 200, True)
check(code == 0 and "MB/s" not in shown and shown.count('"id"') == 60, "no bar on the terminal stdout writes to")

# ------------------------------------------------------------------------------ threads
many = write_lines(out("many.jsonl"), [dict(t, id=f"{t['id']}-{k}") for k in range(40) for t in traces])
for command, extra in (("detect", []), ("intervene", [])):
    outputs = []
    for threads in ("1", "2", "3"):
        r = run(command, many, "-o", out(f"{command}_{threads}.jsonl"), "-q", "--threads", threads, *extra)
        outputs.append(read_bytes(out(f"{command}_{threads}.jsonl")))
    check(
        outputs[0] == outputs[1] == outputs[2] and len(outputs[0]) > 0,
        f"{command}: the same bytes for 1, 2 and 3 threads",
    )
generate(out("intervene_1.jsonl"), out("many_conts.jsonl"))
joined = []
for threads in ("1", "2", "3"):
    run(
        "join",
        out("intervene_1.jsonl"),
        out("many_conts.jsonl"),
        "-o",
        out(f"join_{threads}.jsonl"),
        "-q",
        "--threads",
        threads,
    )
    joined.append(read_bytes(out(f"join_{threads}.jsonl")))
check(
    joined[0] == joined[1] == joined[2] and joined[0].count(b"\n") == 40 * 120,
    "join: the same bytes for 1, 2 and 3 threads",
)

shutil.rmtree(work)
print(f"{results['passed']} passed, {results['failed']} failed")
sys.exit(1 if results["failed"] else 0)
