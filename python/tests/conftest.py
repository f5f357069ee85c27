"""Shared fixtures: the bundled traces, tokenizers trained here with `tokenizers` (no hub), a
tiny random Llama built from a config, and preference pairs built by ipo from the bundled
traces with the bundled scripted generator's continuations."""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT / "examples" / "data"


def bundled_traces() -> list[dict]:
    with open(DATA / "traces.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def linear_batch(seed: int, B: int, T: int, H: int, V: int, weight_scale: float, prompt: int):
    """Hidden states [B, T, H], an lm_head [V, H] (times ``weight_scale``) and causal-LM labels
    with the first ``prompt`` positions ignored, drawn in that order from a generator seeded
    with ``seed``; the generator is returned too, for whatever the caller draws next."""
    import torch

    g = torch.Generator().manual_seed(seed)
    hidden = torch.randn(B, T, H, generator=g)
    weight = torch.randn(V, H, generator=g) * weight_scale
    labels = torch.randint(0, V, (B, T), generator=g)
    labels[:, :prompt] = -100
    return hidden, weight, labels, g


def scripted_continuation(trace_id: str, prefix: str, round_: int, trigger_id: int) -> str:
    """The bundled scripted generator's rule (examples/data/scripted_generator.py)."""
    sys.path.insert(0, str(DATA))
    import scripted_generator

    return scripted_generator.continuation({"id": trace_id, "round": round_, "trigger_id": trigger_id})


@pytest.fixture(scope="session")
def traces() -> list[dict]:
    return bundled_traces()


def _train_tokenizer(kind: str):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    texts = [t["prompt" if "prompt" in t else "question"] + "\n" + t["response"] for t in bundled_traces()]
    tok = Tokenizer(models.BPE(unk_token="<unk>" if kind == "metaspace" else None))
    if kind == "bytelevel":  # GPT-2 / Llama 3 style
        tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
        tok.decoder = decoders.ByteLevel()
        alphabet = pre_tokenizers.ByteLevel.alphabet()
    else:  # SentencePiece style: a space becomes "▁" attached to the next word
        tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="first")
        tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="first")
        alphabet = []
    trainer = trainers.BpeTrainer(
        vocab_size=600, special_tokens=["<eos>", "<pad>", "<unk>"], initial_alphabet=alphabet, show_progress=False
    )
    tok.train_from_iterator(texts, trainer)
    return PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<eos>", pad_token="<pad>", unk_token="<unk>")


@pytest.fixture(scope="session")
def bpe_tokenizer():
    return _train_tokenizer("bytelevel")


@pytest.fixture(scope="session")
def sentencepiece_tokenizer():
    return _train_tokenizer("metaspace")


def tiny_llama(vocab_size: int, pad_token_id: int, eos_token_id: int, seed: int = 0):
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(seed)
    config = LlamaConfig(
        vocab_size=vocab_size,
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=1024,
        pad_token_id=pad_token_id,
        eos_token_id=eos_token_id,
        tie_word_embeddings=False,
    )
    return LlamaForCausalLM(config).float()


@pytest.fixture(scope="session")
def ipo_pairs_binary() -> str | None:
    """The ipo-pairs command line, when built (IPO_PAIRS, else the dev build tree, else PATH)."""
    for candidate in (os.environ.get("IPO_PAIRS"), str(ROOT / "build" / "dev" / "examples" / "ipo-pairs")):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("ipo-pairs")


@pytest.fixture(scope="session")
def cli_pairs(ipo_pairs_binary, tmp_path_factory) -> list[dict]:
    """The pairs `ipo-pairs join` writes for the bundled traces and scripted continuations."""
    if ipo_pairs_binary is None:
        pytest.skip("ipo-pairs is not built (set IPO_PAIRS)")
    work = tmp_path_factory.mktemp("cli")
    prefixes, continuations, pairs = work / "p.jsonl", work / "c.jsonl", work / "pairs.jsonl"
    subprocess.run([ipo_pairs_binary, "intervene", str(DATA / "traces.jsonl"), "-o", str(prefixes), "-q"], check=True)
    with open(continuations, "wb") as out:
        subprocess.run([sys.executable, str(DATA / "scripted_generator.py"), str(prefixes)], stdout=out, check=True)
    subprocess.run([ipo_pairs_binary, "join", str(prefixes), str(continuations), "-o", str(pairs), "-q"], check=True)
    with open(pairs, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def spawn_gloo(fn, world: int, *args) -> dict:
    """Runs fn(rank, world, *args) in `world` CPU processes joined in a gloo process group, and
    returns {rank: what fn returned}. fn must be a module-level function (it is pickled)."""
    import socket

    import torch.multiprocessing as mp

    with socket.socket() as s:  # a free port for the group's rendezvous
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    results = mp.Manager().dict()
    mp.spawn(_gloo_rank, args=(world, port, fn, args, results), nprocs=world, join=True)
    return dict(results)


def _gloo_rank(rank, world, port, fn, args, results):
    import torch
    import torch.distributed as dist

    os.environ["MASTER_ADDR"] = "127.0.0.1"
    os.environ["MASTER_PORT"] = str(port)
    torch.set_num_threads(1)
    dist.init_process_group("gloo", rank=rank, world_size=world)
    try:
        results[rank] = fn(rank, world, *args)
    finally:
        dist.destroy_process_group()
