"""ipo.torch.preference_loss on CUDA tensors (the package's CUDA variant) against the fp64
reference of test_torch_ops and against the CPU op. Skipped without a GPU or without a build
that has the CUDA variant (scripts/gpu-check runs it on a GPU machine)."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
from test_torch_ops import make_batch, reference_loss  # noqa: E402

import ipo.torch as it  # noqa: E402
from ipo import _ipo  # noqa: E402

pytestmark = pytest.mark.skipif(
    not (torch.cuda.is_available() and _ipo.has_cuda), reason="needs a GPU and ipo built with IPO_PYTHON_CUDA"
)

TYPES = ["sigmoid", "hinge", "ipo", "nca_pair", "bco_pair", "sppo_hard", "apo_zero", "apo_down", "sigmoid_norm"]


@pytest.mark.parametrize("loss_type", TYPES)
@pytest.mark.parametrize("inplace", [False, True])
def test_fp32_matches_the_fp64_reference(loss_type, inplace):
    logits64, labels, ref = make_batch(pairs=4, T=16, V=1003, seed=3)
    want_logits = logits64.clone().requires_grad_(True)
    want = reference_loss(want_logits, labels, ref, loss_type)
    want.backward()
    x = logits64.float().cuda().requires_grad_(True)
    y = x * 1.0  # a non-leaf, as a model's logits are (in place overwrites it)
    got, metrics = it.preference_loss(y, labels.cuda(), ref.cuda(), loss_type=loss_type, inplace=inplace)
    got.backward()
    assert got.item() == pytest.approx(want.item(), rel=2e-6, abs=1e-6)
    scale = want_logits.grad.abs().max().item()
    assert (x.grad.double().cpu() - want_logits.grad).abs().max().item() <= 1e-5 * scale
    cpu, cpu_metrics = it.preference_loss(logits64.float(), labels, ref, loss_type=loss_type)
    assert torch.allclose(metrics["policy_logps"].cpu(), cpu_metrics["policy_logps"], rtol=1e-6, atol=1e-5)


@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16])
def test_half_precision_logits(dtype):
    logits64, labels, ref = make_batch(pairs=4, T=16, V=1003, seed=4)
    want_logits = logits64.to(dtype).double().requires_grad_(True)  # the values the kernel reads
    want = reference_loss(want_logits, labels, ref, "sigmoid")
    want.backward()
    x = logits64.to(dtype).cuda().requires_grad_(True)
    got, _ = it.preference_loss(x * 1, labels.cuda(), ref.cuda())
    got.backward()
    assert got.item() == pytest.approx(want.item(), rel=1e-5, abs=1e-6)
    scale = want_logits.grad.abs().max().item()
    assert (x.grad.double().cpu() - want_logits.grad).abs().max().item() <= 2**-7 * scale  # rounding to dtype


def test_unsupported_options_raise_before_device_work():
    logits64, labels, ref = make_batch()
    with pytest.raises(ValueError, match="one loss type"):
        it.preference_loss(logits64.float().cuda(), labels.cuda(), ref.cuda(), loss_type=["sigmoid", "hinge"])
    with pytest.raises(ValueError, match='"sft"'):
        it.preference_loss(logits64.float().cuda(), labels.cuda(), ref.cuda(), loss_type=["sigmoid", "sft"])
