"""Vocabulary parallelism: the lm_head split by rows across 2 processes (gloo, on the CPU), the
per-row statistics merged through torch.distributed, gives the unsplit loss and gradients."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
from conftest import linear_batch, spawn_gloo  # noqa: E402


def problem():
    hidden, weight, labels, g = linear_batch(11, B=6, T=7, H=12, V=50, weight_scale=0.4, prompt=2)
    ref = torch.randn(6, generator=g) - 20.0
    return hidden, weight, labels, ref


def worker(rank, world):
    import ipo.torch as it

    hidden, weight, labels, ref = problem()
    V = weight.shape[0]
    start, stop = rank * V // world, (rank + 1) * V // world  # uneven shards on purpose when V % world
    loss, d_hidden, d_shard, metrics = it.vocab_parallel_preference_loss(
        hidden, weight[start:stop], start, labels, ref, loss_type=["sigmoid", "sft"], loss_weights=[1.0, 0.3]
    )
    return loss.item(), d_hidden, d_shard, start, stop, metrics["policy_logps"]


def test_split_lm_head_gives_the_unsplit_loss_and_gradients():
    import ipo.torch as it

    hidden, weight, labels, ref = problem()
    h = hidden.clone().requires_grad_(True)
    w = weight.clone().requires_grad_(True)
    want, metrics = it.fused_linear_preference_loss(
        h, w, labels, ref, loss_type=["sigmoid", "sft"], loss_weights=[1.0, 0.3]
    )
    want.backward()
    results = spawn_gloo(worker, 2)
    for rank in range(2):
        loss, d_hidden, d_shard, start, stop, logps = results[rank]
        assert loss == pytest.approx(want.item(), rel=1e-6)
        assert torch.allclose(logps, metrics["policy_logps"], rtol=1e-6, atol=1e-6)
        assert torch.allclose(d_hidden.reshape(h.grad.shape), h.grad, rtol=1e-5, atol=1e-7)
        assert torch.allclose(d_shard, w.grad[start:stop], rtol=1e-5, atol=1e-7)
