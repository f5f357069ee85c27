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


@pytest.mark.parametrize(
    "loss",
    [
        {"loss_type": ["sigmoid", "hinge"], "loss_weights": [1.0, 0.5]},
        {"loss_type": ["sigmoid", "sft"], "loss_weights": [1.0, 0.2]},
        {"loss_type": "aot"},
        {"loss_type": "sigmoid", "ld_alpha": 0.5},
    ],
)
def test_what_the_kernels_do_not_take_runs_in_pytorch_as_the_cpu_op(loss):
    """Lists, sft, aot and ld_alpha on CUDA tensors: the row work in PyTorch on the device, the objective
    by ipo's C++; loss, logps and gradient as the CPU op's on the same values."""
    logits64, labels, ref = make_batch(pairs=4, T=16, V=1003, seed=4)
    x = logits64.float().cuda().requires_grad_(True)
    got, metrics = it.preference_loss(x, labels.cuda(), ref.cuda(), **loss)
    got.backward()
    c = logits64.float().requires_grad_(True)
    want, want_metrics = it.preference_loss(c, labels, ref, **loss)
    want.backward()
    assert got.item() == pytest.approx(want.item(), rel=1e-5, abs=1e-7)
    assert torch.allclose(metrics["policy_logps"].cpu(), want_metrics["policy_logps"], rtol=1e-6, atol=1e-5)
    scale = c.grad.abs().max().item()
    assert (x.grad.cpu() - c.grad).abs().max().item() <= 1e-5 * scale


@pytest.mark.parametrize("loss", [{"loss_type": ["sigmoid", "sft"], "loss_weights": [1.0, 0.2]}, {"loss_type": "aot"}])
def test_fused_linear_runs_what_the_kernels_do_not_take_as_the_cpu_op(loss):
    """Lists, sft and aot through the fused linear op on CUDA tensors (two chunked sweeps in
    PyTorch around ipo's objective code) against the CPU op on the same fp32 values."""
    hidden, weight, bias, labels, ref = _linear_case(torch.float32)
    outputs = []
    for device in ("cuda", "cpu"):
        h, w, b = (t.to(device).requires_grad_(True) for t in (hidden, weight, bias))
        loss_value, metrics = it.fused_linear_preference_loss(
            h, w, labels.to(device), ref.to(device), bias=b, chunk_rows=7, **loss
        )
        loss_value.backward()
        outputs.append((loss_value.item(), metrics["policy_logps"].cpu(), h.grad.cpu(), w.grad.cpu(), b.grad.cpu()))
    (got, got_logps, *got_grads), (want, want_logps, *want_grads) = outputs
    assert got == pytest.approx(want, rel=1e-5, abs=1e-7)
    assert torch.allclose(got_logps, want_logps, rtol=1e-6, atol=1e-5)
    for mine, theirs in zip(got_grads, want_grads, strict=True):
        assert (mine - theirs).abs().max().item() <= 1e-4 * theirs.abs().max().item()


def _linear_case(dtype, seed=5, pairs=3, T=12, H=64, V=777):
    """Hidden states, lm_head weight and bias in `dtype`, labels with -100 prompts, reference logps."""
    g = torch.Generator().manual_seed(seed)
    hidden = (torch.randn(2 * pairs, T, H, generator=g) * 0.5).to(dtype)
    weight = (torch.randn(V, H, generator=g) * 0.2).to(dtype)
    bias = (torch.randn(V, generator=g) * 0.1).to(dtype)
    labels = torch.randint(0, V, (2 * pairs, T), generator=g)
    labels[:, : T // 3] = -100
    ref = -torch.rand(2 * pairs, generator=g, dtype=torch.float64) * 30 - 20
    return hidden, weight, bias, labels, ref


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16, torch.float16])
@pytest.mark.parametrize("loss_type", ["sigmoid", "ipo"])
def test_fused_linear_matches_the_cpu_op_on_the_same_values(dtype, loss_type):
    hidden, weight, bias, labels, ref = _linear_case(dtype)
    # The CPU op computes in fp32 on the same (already rounded) values: the reference.
    # (detach + clone: for fp32, .float() would return the tensor itself, and marking it as
    # requiring grad would make the .cuda() copies below non-leaves without .grad.)
    h_cpu, w_cpu, b_cpu = (t.detach().float().clone().requires_grad_(True) for t in (hidden, weight, bias))
    want, want_metrics = it.fused_linear_preference_loss(
        h_cpu, w_cpu, labels, ref.float(), bias=b_cpu, loss_type=loss_type
    )
    want.backward()
    h, w, b = (t.detach().cuda().requires_grad_(True) for t in (hidden, weight, bias))
    got, metrics = it.fused_linear_preference_loss(
        h, w, labels.cuda(), ref.float().cuda(), bias=b, loss_type=loss_type, chunk_rows=2 * 12
    )
    got.backward()
    assert h.grad.dtype == dtype and w.grad.dtype == dtype
    assert got.item() == pytest.approx(want.item(), rel=1e-5, abs=1e-6)
    # fp32: products in another order; 16-bit: the logits gradient is rounded to the dtype
    # before the backward products, and the gradients are returned in it.
    tolerance = {torch.float32: 1e-4, torch.bfloat16: 2**-6, torch.float16: 2**-9}[dtype]
    for name, a, b_ in (("hidden", h, h_cpu), ("weight", w, w_cpu), ("bias", b, b_cpu)):
        scale = b_.grad.abs().max().item()
        err = (a.grad.float().cpu() - b_.grad).abs().max().item()
        assert err <= tolerance * scale, f"d({name}): {err} > {tolerance} * {scale}"
    assert torch.allclose(metrics["policy_logps"].cpu(), want_metrics["policy_logps"], rtol=1e-5, atol=1e-4)


def test_fused_linear_on_cuda_rejects_a_reference_model_and_mixed_dtypes():
    hidden, weight, bias, labels, ref = _linear_case(torch.bfloat16)
    with pytest.raises(NotImplementedError, match="ref_logps"):
        it.fused_linear_preference_loss(
            hidden.cuda(), weight.cuda(), labels.cuda(), ref_hidden=hidden.cuda(), ref_weight=weight.cuda()
        )
    with pytest.raises(ValueError, match="lm_head_weight must have the dtype"):
        it.fused_linear_preference_loss(hidden.cuda(), weight.float().cuda(), labels.cuda(), ref.float().cuda())
