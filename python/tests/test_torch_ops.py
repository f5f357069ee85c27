"""ipo.torch's ops against a plain fp64 PyTorch reference written here from TRL's definitions
(log_softmax, gather, sums, the loss formula; gradients by autograd on the reference), every
dtype, in place, under torch.compile, and the fused linear op."""

from __future__ import annotations

import itertools
import json
import math

import pytest

torch = pytest.importorskip("torch")
import torch.nn.functional as F  # noqa: E402

import ipo.torch as it  # noqa: E402
from conftest import linear_batch  # noqa: E402
from ipo import _ipo  # noqa: E402


def make_batch(pairs=3, T=8, V=37, seed=0, prompt=3):
    g = torch.Generator().manual_seed(seed)
    logits = torch.randn(2 * pairs, T, V, generator=g, dtype=torch.float64) * 1.5
    labels = torch.randint(0, V, (2 * pairs, T), generator=g)
    labels[:, :prompt] = -100
    with torch.no_grad():
        logps, _ = reference_logps(logits, labels)
    ref = (logps + torch.rand(2 * pairs, generator=g, dtype=torch.float64) * 2 - 1).float()
    return logits, labels, ref


def reference_logps(logits, labels):
    """Per-sequence summed log-probabilities of the shifted labels (as a causal LM scores)."""
    lp = torch.log_softmax(logits[:, :-1].double(), dim=-1)
    y = labels[:, 1:]
    mask = y != -100
    picked = torch.gather(lp, 2, y.clamp(min=0).unsqueeze(-1)).squeeze(-1)
    return (picked * mask).sum(-1), mask.sum(-1)


def reference_loss(logits, labels, ref, loss_type, beta=0.1, label_smoothing=0.0, weights=None, tau=0.05):
    """TRL 1.16's formulas written out in fp64, from per-sequence log-probabilities."""
    logps, counts = reference_logps(logits, labels)
    P = logps.shape[0] // 2
    c_lp, r_lp = logps[:P], logps[P:]
    c_n, r_n = counts[:P].double(), counts[P:].double()
    ref = ref.double()
    c, r = c_lp - ref[:P], r_lp - ref[P:]
    types = [loss_type] if isinstance(loss_type, str) else loss_type
    weights = weights or [1.0] * len(types)
    total = 0.0
    for t, w in zip(types, weights, strict=True):
        z = beta * (c - r)
        if t == "sigmoid":
            per = -F.logsigmoid(z)
        elif t == "hinge":
            per = torch.relu(1 - z)
        elif t == "ipo":
            per = (c / c_n - r / r_n - 1 / (2 * beta)) ** 2
        elif t == "robust":
            e = label_smoothing
            per = (-(1 - e) * F.logsigmoid(z) + e * F.logsigmoid(-z)) / (1 - 2 * e)
        elif t == "exo_pair":
            e = label_smoothing
            per = torch.sigmoid(z) * (F.logsigmoid(z) - math.log(1 - e)) + torch.sigmoid(-z) * (
                F.logsigmoid(-z) - math.log(e)
            )
        elif t == "nca_pair":
            per = -F.logsigmoid(beta * c) - 0.5 * F.logsigmoid(-beta * c) - 0.5 * F.logsigmoid(-beta * r)
        elif t == "bco_pair":
            per = -F.logsigmoid(beta * c) - F.logsigmoid(-beta * r)
        elif t == "sppo_hard":
            per = (c - 0.5 / beta) ** 2 + (r + 0.5 / beta) ** 2
        elif t == "apo_zero":
            per = 1 - torch.sigmoid(beta * c) + torch.sigmoid(beta * r)
        elif t == "apo_down":
            per = torch.sigmoid(beta * c) + 1 - torch.sigmoid(z)
        elif t == "discopop":
            m = torch.sigmoid(z / tau)
            per = -F.logsigmoid(z) * (1 - m) + torch.exp(-z) * m
        elif t == "sigmoid_norm":
            per = -F.logsigmoid(beta * (c / c_n - r / r_n))
        elif t == "aot":
            d = torch.sort(c_lp - r_lp).values - torch.sort(ref[:P] - ref[P:]).values
            per = -F.logsigmoid(beta * d) * (1 - label_smoothing) - F.logsigmoid(-beta * d) * label_smoothing
        elif t == "aot_unpaired":
            d = torch.sort(c).values - torch.sort(r).values
            per = -F.logsigmoid(beta * d) * (1 - label_smoothing) - F.logsigmoid(-beta * d) * label_smoothing
        elif t == "sft":
            per = (-c_lp.sum() / c_n.sum()).expand(P)
        else:
            raise AssertionError(t)
        total = total + per.mean() * w
    return total


LOSS_TYPES = [
    ("sigmoid", {}),
    ("hinge", {}),
    ("ipo", {}),
    ("robust", {"label_smoothing": 0.1}),
    ("exo_pair", {"label_smoothing": 0.1}),
    ("nca_pair", {}),
    ("bco_pair", {}),
    ("sppo_hard", {}),
    ("apo_zero", {}),
    ("apo_down", {}),
    ("discopop", {}),
    ("sigmoid_norm", {}),
    ("aot", {"label_smoothing": 0.05}),
    ("aot_unpaired", {}),
    (["sigmoid", "sft"], {"weights": [1.0, 0.2]}),
    (["hinge", "apo_zero", "sft"], {"weights": [0.5, 1.0, 0.3]}),
]


@pytest.mark.parametrize("case", range(len(LOSS_TYPES)), ids=[str(t) for t, _ in LOSS_TYPES])
def test_loss_and_gradient_against_the_fp64_reference(case):
    loss_type, params = LOSS_TYPES[case]
    logits, labels, ref = make_batch(seed=100 + case)
    x = logits.clone().requires_grad_(True)
    want = reference_loss(
        x, labels, ref, loss_type, label_smoothing=params.get("label_smoothing", 0.0), weights=params.get("weights")
    )
    want.backward()
    y = logits.float().clone().requires_grad_(True)
    loss, metrics = it.preference_loss(
        y,
        labels,
        ref,
        loss_type=loss_type,
        loss_weights=params.get("weights"),
        label_smoothing=params.get("label_smoothing", 0.0),
    )
    loss.backward()
    assert loss.item() == pytest.approx(want.item(), rel=2e-6, abs=1e-7)
    scale = x.grad.abs().max().item()
    assert (y.grad.double() - x.grad).abs().max().item() <= 2e-6 * scale + 1e-9
    logps, _ = reference_logps(logits, labels)
    assert torch.allclose(metrics["policy_logps"], logps, rtol=1e-6, atol=1e-6)


def test_f_divergences_and_ld_alpha():
    logits, labels, ref = make_batch(seed=5)
    labels[0, 3:6] = -100  # sides of different lengths, for LD-DPO
    for f, coef, score in [
        ("forward_kl", 1.0, lambda v: 1 - torch.exp(-v)),
        ("js_divergence", 1.0, lambda v: math.log(2) + F.logsigmoid(v)),
        ("alpha_divergence", 0.5, lambda v: (torch.exp(-0.5 * v) - 1) / -0.5),
    ]:
        x = logits.clone().requires_grad_(True)
        logps, _ = reference_logps(x, labels)
        P = logps.shape[0] // 2
        c, r = logps[:P] - ref[:P].double(), logps[P:] - ref[P:].double()
        want = (-F.logsigmoid(0.1 * (score(c) - score(r)))).mean()
        want.backward()
        y = logits.float().clone().requires_grad_(True)
        loss, _ = it.preference_loss(y, labels, ref, f_divergence_type=f, f_alpha_divergence_coef=coef)
        loss.backward()
        assert loss.item() == pytest.approx(want.item(), rel=2e-6), f
        assert (y.grad.double() - x.grad).abs().max().item() <= 2e-6 * x.grad.abs().max().item()
    # LD-DPO: tokens past the shorter side of each pair weigh ld_alpha.
    alpha = 0.3
    x = logits.clone().requires_grad_(True)
    lp = torch.log_softmax(x[:, :-1], -1)
    yl = labels[:, 1:]
    mask = yl != -100
    picked = torch.gather(lp, 2, yl.clamp(min=0).unsqueeze(-1)).squeeze(-1) * mask
    position = mask.cumsum(1)
    counts = mask.sum(1)
    P = counts.shape[0] // 2
    shared = torch.minimum(counts[:P], counts[P:]).repeat(2).unsqueeze(1)
    logps = (picked * (position <= shared)).sum(1) + alpha * (picked * (position > shared)).sum(1)
    want = (-F.logsigmoid(0.1 * ((logps[:P] - ref[:P]) - (logps[P:] - ref[P:])))).mean()
    want.backward()
    y = logits.float().clone().requires_grad_(True)
    loss, _ = it.preference_loss(y, labels, ref, ld_alpha=alpha)
    loss.backward()
    assert loss.item() == pytest.approx(want.item(), rel=2e-6)
    assert (y.grad.double() - x.grad).abs().max().item() <= 2e-6 * x.grad.abs().max().item()


@pytest.mark.parametrize("dtype,tolerance", [(torch.bfloat16, 1e-2), (torch.float16, 2e-3)])
def test_half_precision_logits(dtype, tolerance):
    logits, labels, ref = make_batch(seed=9)
    half = logits.to(dtype)
    x = half.double().requires_grad_(True)  # the reference sees the very values the kernel reads
    want = reference_loss(x, labels, ref, "sigmoid")
    want.backward()
    y = half.clone().requires_grad_(True)
    loss, _ = it.preference_loss(y, labels, ref)
    loss.backward()
    assert y.grad.dtype == dtype
    assert loss.item() == pytest.approx(want.item(), rel=1e-5)
    assert (y.grad.double() - x.grad).abs().max().item() <= tolerance * x.grad.abs().max().item()


def test_inplace_writes_the_gradient_over_the_logits_buffer():
    logits, labels, ref = make_batch(seed=2)
    base = logits.float()
    y = base.clone().requires_grad_(True)
    loss, _ = it.preference_loss(y, labels, ref)
    loss.backward()
    expected = y.grad.clone()
    # In place: the gradient autograd hands back is the logits' own storage (no [B*T, V] copy).
    source = base.clone().requires_grad_(True)
    logits_buffer = source * 1.0  # a non-leaf, as a model's lm_head output is
    pointer = logits_buffer.data_ptr()
    captured = {}

    def record(gradient):
        captured["ptr"] = gradient.data_ptr()

    logits_buffer.register_hook(record)
    loss2, _ = it.preference_loss(logits_buffer, labels, ref, inplace=True)
    loss2.backward()
    assert loss2.item() == pytest.approx(loss.item(), rel=1e-6)
    assert captured["ptr"] == pointer
    assert torch.allclose(source.grad, expected, rtol=1e-6, atol=1e-8)


def test_bad_input_is_a_clear_error():
    logits, labels, ref = make_batch()
    with pytest.raises(ValueError, match="labels"):
        it.preference_loss(logits.float(), labels.float(), ref)
    with pytest.raises(ValueError, match="loss_type"):
        it.preference_loss(logits.float(), labels, ref, loss_type="kto")
    with pytest.raises(NotImplementedError, match="WPO"):
        it.preference_loss(logits.float(), labels, ref, use_weighting=True)
    bad = labels.clone()
    bad[0, 5] = 10_000
    with pytest.raises(ValueError, match=r"labels\[5\]"):
        it.preference_loss(logits.float(), bad, ref)


def test_torch_compile_without_graph_breaks():
    logits, labels, ref = make_batch(seed=4)
    weight = torch.randn(37, 16, dtype=torch.float32)
    hidden0 = torch.randn(6, 8, 16)

    def step(h, w):
        logits = h @ w.T
        loss, metrics = it.preference_loss(logits, labels, ref)
        loss2, _ = it.fused_linear_preference_loss(h, w, labels, ref)
        return loss + loss2, metrics["rewards/margins"]

    compiled = torch.compile(step, fullgraph=True, backend="aot_eager")  # fullgraph: a break would raise
    h1, w1 = hidden0.clone().requires_grad_(True), weight.clone().requires_grad_(True)
    out, _ = compiled(h1, w1)
    out.backward()
    h2, w2 = hidden0.clone().requires_grad_(True), weight.clone().requires_grad_(True)
    eager, _ = step(h2, w2)
    eager.backward()
    assert out.item() == pytest.approx(eager.item(), rel=1e-6)
    assert torch.allclose(h1.grad, h2.grad, rtol=1e-5, atol=1e-7)
    assert torch.allclose(w1.grad, w2.grad, rtol=1e-5, atol=1e-7)


def test_fused_linear_matches_the_logits_path():
    g = torch.Generator().manual_seed(7)
    B, T, H, V = 6, 8, 16, 41
    hidden = torch.randn(B, T, H, generator=g)
    weight = torch.randn(V, H, generator=g) * 0.3
    bias = torch.randn(V, generator=g) * 0.1
    ref_hidden = torch.randn(B, T, H, generator=g)
    ref_weight = torch.randn(V, H, generator=g) * 0.3
    labels = torch.randint(0, V, (B, T), generator=g)
    labels[:, :3] = -100
    for loss_type in ["sigmoid", "aot", ["ipo", "sft"]]:
        weights = [1.0, 0.5] if isinstance(loss_type, list) else None
        h1, w1, b1 = (t.clone().requires_grad_(True) for t in (hidden, weight, bias))
        with torch.no_grad():
            ref_logps, _ = reference_logps((ref_hidden @ ref_weight.T).double(), labels)
        want = reference_loss((h1 @ w1.T + b1).double(), labels, ref_logps.float(), loss_type, weights=weights)
        want.backward()
        h2, w2, b2 = (t.clone().requires_grad_(True) for t in (hidden, weight, bias))
        loss, _ = it.fused_linear_preference_loss(
            h2,
            w2,
            labels,
            ref_hidden=ref_hidden,
            ref_weight=ref_weight,
            bias=b2,
            loss_type=loss_type,
            loss_weights=weights,
            chunk_rows=11,
        )
        loss.backward()
        assert loss.item() == pytest.approx(want.item(), rel=1e-5), loss_type
        for a, b in ((h1, h2), (w1, w2), (b1, b2)):
            assert (a.grad - b.grad).abs().max().item() <= 1e-4 * a.grad.abs().max().item() + 1e-7, loss_type


def test_cpu_ops_run_on_torchs_thread_count_with_the_same_bits(monkeypatch):
    """The C++ CPU ops take torch.get_num_threads() threads (not every core), and their results
    do not depend on it: the fused linear op's products run in blocks fixed by the shapes (here
    2 vocabulary blocks and 2 x 2 tiles of d(hidden), so two threads really split them)."""
    hidden, weight, labels, g = linear_batch(11, B=4, T=80, H=300, V=1100, weight_scale=0.1, prompt=5)
    ref = torch.randn(4, generator=g) - 300
    seen = []
    for name in ("fused_linear_preference_loss", "preference_loss"):
        original = getattr(_ipo, name)

        def recording(*args, _original=original):
            seen.append(args[-1]["threads"])
            return _original(*args)

        monkeypatch.setattr(_ipo, name, recording)
    before = torch.get_num_threads()
    results = []
    try:
        for threads in (1, 2):
            torch.set_num_threads(threads)
            h, w = hidden.clone().requires_grad_(True), weight.clone().requires_grad_(True)
            loss, _ = it.fused_linear_preference_loss(h, w, labels, ref)
            loss.backward()
            logits_loss, _ = it.preference_loss(hidden[:2] @ weight.T, labels[:2], ref[:2])
            results.append((loss.detach(), h.grad, w.grad, logits_loss.detach()))
    finally:
        torch.set_num_threads(before)
    assert seen == [1, 1, 2, 2]
    for a, b in zip(*results, strict=True):
        assert torch.equal(a, b)


def test_cuda_variant_takes_one_pairwise_loss_type():
    """What the CUDA variant runs is decided on the host before any device work (this check
    needs no GPU): one pairwise loss type with weight 1; lists, sft, aot and LD-DPO are refused
    with a message naming the option."""
    from ipo import _ipo

    def options(**kw):
        return json.loads(it._options_json(8, **{**it._with_defaults({}), **kw}))

    assert isinstance(_ipo.has_cuda, bool)
    assert _ipo.check_cuda_loss(options(loss_type="sigmoid")) == "sigmoid"
    assert _ipo.check_cuda_loss(options(loss_type=["ipo"], f_divergence_type="js_divergence")) == "ipo"
    for bad, match in (
        ({"loss_type": ["sigmoid", "bco_pair"]}, "one loss type"),
        ({"loss_type": ["sigmoid"], "loss_weights": [0.5]}, "weight 1"),
        ({"loss_type": ["sigmoid", "sft"], "loss_weights": [1.0, 0.2]}, "sft"),
        ({"loss_type": "aot", "label_smoothing": 0.1}, "aot"),
        ({"loss_type": "sigmoid", "ld_alpha": 0.5}, "ld_alpha"),
    ):
        with pytest.raises(ValueError, match=match):
            _ipo.check_cuda_loss(options(**bad))


def test_the_cuda_fused_linear_sizes_its_chunks_for_the_largest_pair():
    """The CUDA fused linear sizes its chunks for the larger of chunk_rows and the largest pair,
    so that a long pair is no error there either (the CPU op forms a chunk of it alone). The
    count runs on the labels' own device; worked by hand here."""
    labels = torch.tensor(
        [
            [-100, -100, 5, 6, 7],  # shifted: rows 1, 2, 3 scored -> 3
            [-100, 1, 2, -100, 4],  # rows 0, 1, 3 -> 3
            [-100, -100, -100, -100, 9],  # row 3 -> 1
            [-100, 8, 8, 8, 8],  # rows 0-3 -> 4
        ]
    )
    options = {"sequence_length": 5, "shift_labels": True, "ignore_index": -100}
    assert it._largest_pair_rows(labels, options) == 7  # pairs (0, 2): 4 rows, (1, 3): 7
    options["shift_labels"] = False  # every labelled position: 3, 3, 1, 4
    assert it._largest_pair_rows(labels.reshape(-1), options) == 7
    labels[1, 1] = -100
    assert it._largest_pair_rows(labels, options) == 6


def test_fused_linear_chunks_default_to_a_memory_budget_on_both_devices():
    """chunk_rows=0 takes as many scored rows as memory_budget_bytes of fp32 logits hold, or H / 4
    rows if more (the C++ fused_linear_options rule), and the CUDA op then sizes its chunks for
    the largest pair. Worked by hand: 256 MiB / (128,256 x 4 bytes) = 523.2 rows; H = 4096
    gives 1,024."""
    assert it._chunk_rows_from_budget(0, 256 << 20, 128256, 1024) == 523
    assert it._chunk_rows_from_budget(0, 256 << 20, 128256, 4096) == 1024
    assert it._chunk_rows_from_budget(0, 100, 41, 3) == 1  # a budget below one row: one row
    assert it._chunk_rows_from_budget(0, 100, 41, 8) == 2  # H / 4
    assert it._chunk_rows_from_budget(0, 41 * 4 * 3, 41, 8) == 3
    assert it._chunk_rows_from_budget(7, 1, 41, 4096) == 7  # chunk_rows given: neither rule
    with pytest.raises(ValueError, match="chunk_rows = -1"):
        it._chunk_rows_from_budget(-1, 256 << 20, 41, 8)
    with pytest.raises(ValueError, match="memory_budget_bytes = 0"):
        it._chunk_rows_from_budget(0, 0, 41, 8)
    for args in itertools.product((0, 1, 9), (1, 100, 5000, 256 << 20), (1, 41, 128256), (0, 3, 8, 4096)):
        assert it._chunk_rows_from_budget(*args) == _ipo.fused_linear_chunk_rows(*args), args
    assert it._device_chunk_rows(24, 100, 7) == 24
    assert it._device_chunk_rows(5, 100, 7) == 7  # the largest pair
    assert it._device_chunk_rows(500, 100, 7) == 100  # never more than every row
    assert it._device_chunk_rows(0, 100, 7) == 100  # 0 only from a direct op call: one chunk

    B, T, H, V = 4, 6, 8, 37
    hidden, weight, labels, g = linear_batch(3, B, T, H, V, weight_scale=0.3, prompt=2)
    ref = -torch.rand(B, generator=g) * 10
    results = []
    for kwargs in ({}, {"memory_budget_bytes": V * 4 * 3}, {"chunk_rows": 1}):
        h, w = hidden.clone().requires_grad_(True), weight.clone().requires_grad_(True)
        loss, _ = it.fused_linear_preference_loss(h, w, labels, ref, **kwargs)
        loss.backward()
        results.append((loss.item(), h.grad, w.grad))
    for loss, d_hidden, d_weight in results[1:]:
        assert loss == pytest.approx(results[0][0], rel=1e-6)
        assert torch.allclose(d_hidden, results[0][1], rtol=1e-5, atol=1e-7)
        assert torch.allclose(d_weight, results[0][2], rtol=1e-5, atol=1e-7)
    with pytest.raises(ValueError, match="memory_budget_bytes = -5"):
        it.fused_linear_preference_loss(hidden, weight, labels, ref, memory_budget_bytes=-5)


def test_sequence_logps_equals_the_fp64_reference_and_feeds_the_fused_linear_op():
    g = torch.Generator().manual_seed(11)
    B, T, H, V = 4, 9, 16, 53
    hidden, weight, bias = (
        torch.randn(B, T, H, generator=g),
        torch.randn(V, H, generator=g) * 0.3,
        torch.randn(V, generator=g),
    )
    labels = torch.randint(0, V, (B, T), generator=g)
    labels[:, :3] = -100
    labels[1, 5] = -100
    want, _ = reference_logps((hidden @ weight.T + bias).double(), labels)
    for chunk in (1, 5, 1000):  # chunks that cut sequences, and one chunk
        got = it.sequence_logps(hidden, weight, labels, bias=bias, chunk_rows=chunk)
        assert torch.allclose(got.double(), want, rtol=1e-6, atol=1e-5), chunk
    # As ref_logps, it gives the loss the reference model's hidden states give in the op itself.
    ref_hidden = hidden + 0.1 * torch.randn(B, T, H, generator=g)
    policy = torch.randn(B, T, H, generator=g)
    by_hidden, _ = it.fused_linear_preference_loss(policy, weight, labels, ref_hidden=ref_hidden, ref_weight=weight)
    ref = it.sequence_logps(ref_hidden, weight, labels)
    by_logps, _ = it.fused_linear_preference_loss(policy, weight, labels, ref)
    assert by_logps.item() == pytest.approx(by_hidden.item(), rel=1e-6, abs=1e-7)
    with pytest.raises(ValueError, match="token ids"):
        it.sequence_logps(hidden, weight, torch.full((B, T), V))


@pytest.mark.parametrize(
    "loss",
    [
        {"loss_type": "sigmoid"},
        {"loss_type": ["sigmoid", "sft"], "loss_weights": [1.0, 0.2]},
        {"loss_type": ["ipo", "hinge"], "loss_weights": [0.5, 1.0]},
        {"loss_type": "aot"},
        {"loss_type": "aot_unpaired"},
        {"loss_type": "sigmoid", "f_divergence_type": "js_divergence"},
        {"loss_type": ["sigmoid", "sft"], "loss_weights": [1.0, 0.2], "ld_alpha": 0.5},
    ],
)
@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
@pytest.mark.parametrize("inplace", [False, True])
def test_the_pytorch_path_for_cuda_equals_the_cpu_op(loss, dtype, inplace):
    """What preference_loss runs on CUDA tensors the kernels do not take (lists, sft, aot, or a
    build without the CUDA variant), run here on CPU tensors: PyTorch row statistics and
    gradient around ipo's evaluate_sequences, against the CPU op on the same values."""
    logits64, labels, ref = make_batch(pairs=4, T=9, V=61, seed=8)
    labels[0, 3:5] = -100  # sides of different lengths (what ld_alpha weighs)
    labels[5, 3] = -100
    T = labels.shape[1]
    logits = logits64.reshape(-1, logits64.shape[-1]).to(dtype) * 4  # logits up to about +-25
    flat = labels.reshape(-1)
    options = json.loads(it._options_json(T, **it._with_defaults(loss)))
    want_gradient = torch.empty_like(logits)
    want = _ipo.preference_loss(logits, flat, ref, want_gradient, options)
    buffer = logits.clone()
    gradient = buffer if inplace else torch.empty_like(logits).fill_(7.0)  # no stale values kept
    got = it._generic_preference_loss(buffer, flat, ref, gradient, options)
    assert got["loss"] == pytest.approx(want["loss"], rel=1e-6, abs=1e-8)
    assert got["policy_logps"] == pytest.approx(want["policy_logps"], rel=1e-6)
    assert got["token_counts"] == want["token_counts"]
    for key in ("mean_chosen_reward", "mean_rejected_reward", "accuracy", "nll_loss"):
        assert got[key] == pytest.approx(want[key], rel=1e-5, abs=1e-7), key
    scale = want_gradient.float().abs().max().item()
    tolerance = 1e-5 if dtype == torch.float32 else 2.0**-7  # one bf16 rounding apart at most
    assert (gradient.float() - want_gradient.float()).abs().max().item() <= tolerance * scale


def test_the_pytorch_path_names_bad_labels():
    logits64, labels, ref = make_batch(pairs=2, T=6, V=11, seed=1)
    logits = logits64.reshape(-1, 11).float()
    options = json.loads(it._options_json(6, **it._with_defaults({})))
    bad = labels.reshape(-1).clone()
    bad[4] = 11
    with pytest.raises(ValueError, match=r"labels: 11 scored at logits row 3 is outside \[0, 11\)"):
        it._generic_preference_loss(logits, bad, ref, torch.empty_like(logits), options)


@pytest.mark.parametrize(
    "loss",
    [
        {"loss_type": ["sigmoid", "sft"], "loss_weights": [1.0, 0.2]},
        {"loss_type": "aot"},
        {"loss_type": "hinge", "ld_alpha": 0.5},
    ],
)
@pytest.mark.parametrize("chunk", [1, 5, 1000])
@pytest.mark.parametrize("reference_model", [False, True])
def test_the_pytorch_fused_linear_path_for_cuda_equals_the_cpu_op(loss, chunk, reference_model):
    """What fused_linear_preference_loss runs on CUDA tensors the kernels do not take, run here
    on CPU tensors (fp32): two chunked sweeps in PyTorch around ipo's evaluate_sequences,
    against the CPU op on the same values, with a bias and a reference model or ref_logps."""
    g = torch.Generator().manual_seed(12)
    B, T, H, V = 4, 7, 16, 41
    hidden = torch.randn(B * T, H, generator=g)
    weight = torch.randn(V, H, generator=g) * 0.4
    bias = torch.randn(V, generator=g) * 0.1
    labels = torch.randint(0, V, (B, T), generator=g)
    labels[:, :2] = -100
    labels[1, 2] = -100  # sides of different lengths
    ref_hidden = hidden + 0.1 * torch.randn(B * T, H, generator=g)
    ref_logps = -torch.rand(B, generator=g) * 20 - 10
    reference = {"ref_hidden": ref_hidden, "ref_weight": weight, "ref_bias": bias} if reference_model else {}
    options = json.loads(it._options_json(T, **it._with_defaults(loss)))
    got, d_hidden, d_weight, d_bias = it._generic_fused_linear(
        hidden,
        weight,
        bias,
        labels.reshape(-1),
        None if reference_model else ref_logps,
        reference.get("ref_hidden"),
        reference.get("ref_weight"),
        reference.get("ref_bias"),
        options,
        chunk,
    )
    h, w, b = (t.clone().requires_grad_(True) for t in (hidden, weight, bias))
    want, want_metrics = it.fused_linear_preference_loss(
        h, w, labels, None if reference_model else ref_logps, bias=b, sequence_length=T, **reference, **loss
    )
    want.backward()
    assert got["loss"] == pytest.approx(want.item(), rel=1e-5, abs=1e-7)
    assert got["policy_logps"] == pytest.approx(want_metrics["policy_logps"].tolist(), rel=1e-6)
    for mine, theirs in ((d_hidden, h.grad), (d_weight, w.grad), (d_bias, b.grad)):
        assert (mine - theirs).abs().max().item() <= 1e-5 * theirs.abs().max().item()
