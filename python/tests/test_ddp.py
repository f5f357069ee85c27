"""DistributedDataParallel: a tiny Llama whose loss is ipo's, trained by 2 gloo processes that each
hold half of the pairs, ends a step with the gradients of one process holding all of them."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from conftest import spawn_gloo, tiny_llama  # noqa: E402

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


def worker(rank, world, fused):
    model = torch.nn.parallel.DistributedDataParallel(LossModel(fused))
    ids, labels, ref = batch()
    loss = model(rows_of(rank, world, ids), rows_of(rank, world, labels), rows_of(rank, world, ref))
    loss.backward()
    return loss.item(), {n: p.grad.clone() for n, p in model.module.named_parameters()}


@pytest.mark.parametrize("fused", [True, False], ids=["fused_linear", "logits_inplace"])
def test_ddp_gradients_equal_one_process_with_the_whole_batch(fused):
    # The sigmoid loss is a mean over pairs, so with equal shares DDP's gradient average is the
    # whole batch's gradient; the reference is the same module in one process.
    whole = LossModel(fused)
    ids, labels, ref = batch()
    want = whole(ids, labels, ref)
    want.backward()
    results = spawn_gloo(worker, 2, fused)
    losses = [results[r][0] for r in range(2)]
    assert sum(losses) / 2 == pytest.approx(want.item(), rel=1e-6)
    scale = max(p.grad.abs().max().item() for p in whole.parameters())
    for rank in range(2):
        grads = results[rank][1]
        for name, p in whole.named_parameters():
            assert torch.allclose(grads[name], p.grad, rtol=0, atol=1e-6 * scale), name
