"""The text side from Python: offsets against Python's own string indexing, the detectors, the
intervention, Algorithm 1 with a scripted generator (pairs derived by hand) and with a real
transformers model's generate(), labels from a real tokenizer's offsets."""

from __future__ import annotations

import pytest

import ipo
from conftest import scripted_continuation


def test_matcher_path_is_at_least_the_widest_compiled_in():
    """The matcher takes the widest path of the build's own flags, or a wider scan of
    ipo::dispatch (a portable build): never a narrower one."""
    import os

    if os.environ.get("IPO_FORCE_ARCH"):
        pytest.skip("IPO_FORCE_ARCH caps the path")
    rank = {"avx512bw": 4, "fma3+avx2": 3, "avx2": 3, "sse4.2": 2, "sse2": 1}
    path = ipo.matcher_path().removesuffix("+vbmi2")
    widest = next(p for p in ipo.simd_paths() if p != "avx512f")  # the matcher skips AVX-512F alone
    if widest in rank:
        assert path in rank and rank[path] >= rank[widest], (path, ipo.simd_paths())
    else:
        assert path == widest or path.startswith("scalar"), (path, ipo.simd_paths())


def test_loss_kernel_path_is_at_least_the_widest_compiled_in():
    """The loss kernels take the widest path of the build's own flags, or wider row kernels of
    ipo::dispatch (a portable build), never a narrower one."""
    import os

    if os.environ.get("IPO_FORCE_ARCH"):
        pytest.skip("IPO_FORCE_ARCH caps the path")
    rank = {"avx512bw": 4, "avx512f": 4, "fma3+avx2": 3, "avx2": 3, "sse4.2": 2, "sse2": 1}
    path = ipo.loss_kernel_path()
    widest = ipo.simd_paths()[0]
    library = path.endswith(" (ipo::dispatch)")
    arch = path.removesuffix(" (ipo::dispatch)").removesuffix("+bf16")
    if library:
        assert rank[arch] > rank.get(widest, 0), (path, ipo.simd_paths())
    else:
        assert path == widest, (path, ipo.simd_paths())


def test_split_trace_offsets_are_python_indices():
    completion = "<think>\nCafé crème: l’idée. Then more.\n</think>\n\nRéponse é."
    parts = ipo.split_trace(completion)
    b, e = parts["reasoning_span"]
    assert completion[b:e] == parts["reasoning"] == "Café crème: l’idée. Then more."
    rb, re_ = parts["response_span"]
    assert completion[rb:re_] == "Réponse é."
    byte_parts = ipo.split_trace(completion, offsets="byte")
    raw = completion.encode()
    bb, be = byte_parts["reasoning_span"]
    assert raw[bb:be].decode() == parts["reasoning"]
    assert parts["has_open_tag"] and parts["has_close_tag"] and not parts["truncated"]
    assert ipo.split_trace("<think>\nunfinished")["truncated"]


def test_segment_char_and_byte_offsets_agree():
    text = "Première étape ici. Wait, deuxième étape là!\n\nTroisième paragraphe, fin."
    chars = ipo.segment(text)
    assert [text[b:e] for b, e in chars] == [
        "Première étape ici.",
        "Wait, deuxième étape là!",
        "Troisième paragraphe, fin.",
    ]
    raw = text.encode()
    assert [raw[b:e].decode() for b, e in ipo.segment(text, offsets="byte")] == [text[b:e] for b, e in chars]
    assert len(ipo.segment(text, mode="paragraph")) == 2
    assert ipo.segment_batch([text, "One sentence here."]) == [chars, [(0, 18)]]
    with pytest.raises(ValueError, match="mode"):
        ipo.segment(text, mode="words")


def test_detectors():
    unsafe = "The user wants a scam email. Scams hurt people. I'll write it so it looks official."
    benign = "They want bread. Let me outline the steps. First, mix the flour."
    safe = "They want a phishing email. That's a crime. I won't write it."
    patterns = ipo.Detector()
    assert patterns.kind == "patterns"
    assert patterns.first_compliance(unsafe) == 2
    assert patterns.first_compliance(benign) is None
    assert patterns.first_compliance(safe) is None
    assert patterns.first_compliance(benign, request="How do I bake bread to poison someone?") == 1
    assert patterns.detect_batch([unsafe, benign, safe]) == [2, None, None]
    analysis = patterns.analyse(safe)
    assert analysis["safety_steps"] == [False, False, True] and analysis["first_compliance"] is None
    lexical = ipo.Detector("lexical")
    assert lexical.first_compliance("The user wants malware. This is illegal. I'll start by writing it.") == 2
    custom = ipo.Detector("lexical", lexicon=ipo.Lexicon.from_tsv("compliance\t1.0\tbananas\n"))
    assert custom.first_compliance("Step zero here. I like bananas a lot.") == 1
    assert len(ipo.Lexicon.default()) == len(ipo.Lexicon.default().entries) > 300
    with pytest.raises(ValueError, match="kind"):
        ipo.Detector("oracle")
    with pytest.raises(ValueError, match="patterns_tsv:1 class"):
        ipo.Detector("patterns", patterns_tsv="mood\thappy\n")


def test_make_intervention_and_the_seam():
    reasoning = "The user wants malware. It is harmful. I'll start by writing the loader. Then more."
    cut = ipo.make_intervention(reasoning, 2, "Hold on. This is wrong.")
    assert cut["prefix"] == "The user wants malware. It is harmful. Hold on. This is wrong."
    assert reasoning[: cut["kept_chars"]] == "The user wants malware. It is harmful."
    record = ipo.to_dpo_record({"shared_prefix": "", "chosen": "Wait.", "rejected": "Sure."}, "Question?\n<think>\n")
    assert record == {"prompt": "Question?\n<think>", "chosen": "\nWait.", "rejected": "\nSure."}
    with pytest.raises(ValueError, match="'h' = 9"):
        ipo.make_intervention(reasoning, 9, "x")


def test_build_pairs_with_a_scripted_generator(traces):
    """The bundled scripted generator's rule: every continuation is safe except trigger 5 on
    unsafe-00 .. unsafe-03 in round 0; so 20 unsafe traces x 6 triggers = 120 attempts, 116
    pairs in round 0, and the 4 continued ones become pairs in round 1."""
    calls = []

    def generate(batch):
        calls.append(len(batch))
        out = []
        for prompt, prefix in batch:
            trace = next(t for t in traces if t.get("prompt", t.get("question")) == prompt)
            trigger_id = next(k for k, s in enumerate(ipo.default_triggers()) if prefix.endswith(s))
            round_ = 1 if prefix.count(ipo.default_triggers()[trigger_id]) > 1 else 0
            out.append(scripted_continuation(trace["id"], prefix, round_, trigger_id))
        return out

    rows = [{"id": t["id"], "prompt": t.get("prompt", t.get("question")), "completion": t["response"]} for t in traces]
    result = ipo.build_pairs(rows, generate, rounds=2)
    assert calls == [120, 4]
    assert [(r["attempted"], r["pairs"], r["still_complying"]) for r in result["rounds"]] == [(120, 116, 4), (4, 4, 0)]
    assert result["traces"] == 60 and result["traces_with_cue"] == 20
    first = result["pairs"][0]
    reasoning = ipo.split_trace(traces[0]["response"])["reasoning"]
    cut = reasoning.index("Since it's hypothetical")
    assert first["shared_prefix"] == reasoning[: cut - 1]
    assert first["rejected"] == reasoning[cut - 1 :]
    assert first["chosen"] == " " + ipo.default_triggers()[0] + (
        " So I will explain why this is harmful and offer a safer alternative instead."
    )
    assert {p["round"] for p in result["pairs"]} == {0, 1}
    with pytest.raises(ValueError, match="continuations"):
        ipo.build_pairs(rows, lambda batch: [])


def test_build_pairs_with_a_real_model_generate(bpe_tokenizer, traces):
    """Algorithm 1 around transformers' generate() on a tiny random model: whatever it writes,
    every pair's chosen side is the trigger plus exactly the text the model generated."""
    import torch

    from conftest import tiny_llama

    tok = bpe_tokenizer
    model = tiny_llama(len(tok), tok.pad_token_id, tok.eos_token_id)
    seen = {}

    def generate(batch):
        outs = []
        for prompt, prefix in batch:
            ids = tok(prompt + "\n<think>\n" + prefix, return_tensors="pt").input_ids
            with torch.no_grad():
                gen = model.generate(ids, max_new_tokens=12, do_sample=False, pad_token_id=tok.pad_token_id)
            text = tok.decode(gen[0, ids.shape[1] :], skip_special_tokens=True)
            seen[prefix] = text
            outs.append(text)
        return outs

    rows = [{"id": t["id"], "prompt": t["prompt"], "completion": t["response"]} for t in traces[:2]]
    result = ipo.build_pairs(rows, generate, triggers=["Wait, I should refuse this."], rounds=1)
    assert result["rounds"][0]["attempted"] == 2
    for pair in result["pairs"]:
        prefix = pair["shared_prefix"] + pair["chosen"][: pair["trigger_bytes"]]
        assert prefix in seen
        assert pair["chosen"] == (pair["chosen"][: pair["trigger_bytes"]] + seen[prefix]).rstrip()


def test_pair_labels_from_real_tokenizer_offsets(bpe_tokenizer):
    text = "Question?\n<think>\nThe user wants a scam. I should refuse."
    divergence = text.index(" I should")
    enc = bpe_tokenizer(text, return_offsets_mapping=True)
    labels = ipo.pair_labels(enc.input_ids, enc.offset_mapping, text, divergence)
    for token, (_b, e), label in zip(enc.input_ids, enc.offset_mapping, labels, strict=True):
        assert label == (token if e > divergence else -100)  # scored when it ends past the divergence
    assert labels[-1] != -100 and labels[0] == -100
