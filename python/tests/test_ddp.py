"""DistributedDataParallel: a tiny Llama whose loss is ipo's, trained by 2 gloo processes that each
hold half of the pairs, ends a step with the gradients of one process holding all of them."""

from __future__ import annotations

import os
import socket

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")
import torch.distributed as dist  # noqa: E402
import torch.multiprocessing as mp  # noqa: E402

from conftest import tiny_llama  # noqa: E402

PAIRS, T, V = 4, 9, 64


def batch():
    """PAIRS pairs in TRL's concatenated layout: chosen sequences, then rejected ones."""
    g = torch.Generator().manual_seed(5)
    ids = torch.randint(3, V, (2 * PAIRS, T), generator=g)
    ids[PAIRS:, :4] = ids[:PAIRS, :4]  # each pair shares its first 4 tokens
    labels = ids.clone()
    labels[:, :4] = -100
    ref = torch.randn(2 * PAIRS, generator=g) - 30.0
    return ids, labels, ref


def rows_of(rank: int, world: int, tensor):
    """This rank's pairs: both sides of pairs [rank * n, (rank + 1) * n)."""
    n = PAIRS // world
    take = list(range(rank * n, (rank + 1) * n))
    return tensor[take + [PAIRS + i for i in take]]


class LossModel(torch.nn.Module):
    """What a trainer wraps in DDP: the backbone and ipo's fused linear loss in one forward."""

    def __init__(self, fused: bool):
        super().__init__()
        self.lm = tiny_llama(V, pad_token_id=1, eos_token_id=0, seed=3)
        self.fused = fused

    def forward(self, ids, labels, ref):
        import ipo.torch as it

        hidden = self.lm.model(input_ids=ids).last_hidden_state
        if self.fused:
            loss, _ = it.fused_linear_preference_loss(hidden, self.lm.lm_head.weight, labels, ref, beta=0.1)
        else:
            loss, _ = it.preference_loss(self.lm.lm_head(hidden), labels, ref, beta=0.1, inplace=True)
        return loss


def worker(rank, world, port, fused, results):
    os.environ["MASTER_ADDR"] = "127.0.0.1"
    os.environ["MASTER_PORT"] = str(port)
    torch.set_num_threads(1)
    dist.init_process_group("gloo", rank=rank, world_size=world)
    try:
        model = torch.nn.parallel.DistributedDataParallel(LossModel(fused))
        ids, labels, ref = batch()
        loss = model(rows_of(rank, world, ids), rows_of(rank, world, labels), rows_of(rank, world, ref))
        loss.backward()
        results[rank] = (loss.item(), {n: p.grad.clone() for n, p in model.module.named_parameters()})
    finally:
        dist.destroy_process_group()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("fused", [True, False], ids=["fused_linear", "logits_inplace"])
def test_ddp_gradients_equal_one_process_with_the_whole_batch(fused):
    # The sigmoid loss is a mean over pairs, so with equal shares DDP's gradient average is the
    # whole batch's gradient; the reference is the same module in one process.
    whole = LossModel(fused)
    ids, labels, ref = batch()
    want = whole(ids, labels, ref)
    want.backward()
    results = mp.Manager().dict()
    mp.spawn(worker, args=(2, free_port(), fused, results), nprocs=2, join=True)
    losses = [results[r][0] for r in range(2)]
    assert sum(losses) / 2 == pytest.approx(want.item(), rel=1e-6)
    scale = max(p.grad.abs().max().item() for p in whole.parameters())
    for rank in range(2):
        grads = results[rank][1]
        for name, p in whole.named_parameters():
            assert torch.allclose(grads[name], p.grad, rtol=0, atol=1e-6 * scale), name
