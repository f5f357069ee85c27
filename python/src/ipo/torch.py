"""PyTorch ops over ipo's fused preference-loss kernels, with TRL's loss semantics.

- :func:`preference_loss`: the loss over logits ``[B, T, V]`` (fp32, bf16, fp16).
- :func:`fused_linear_preference_loss`: the loss from hidden states and the lm_head weight,
  without ever holding the logits of more than one chunk.

Keyword names and ``loss_type`` strings are those of TRL's ``DPOConfig`` (a name or a list
with ``loss_weights``; ``["sigmoid", "sft"]`` with ``[1.0, 0.2]`` is RPO exactly as TRL computes
it). Labels are causal-LM labels (shifted inside, ``-100`` ignored) in TRL's concatenated
layout: the first half of the batch holds the chosen sequences, the second half the rejected
ones. The gradient is computed in the forward pass (the kernels know it then) and handed to
autograd; with ``inplace=True`` it is written over the logits buffer, so no second
``[B*T, V]`` tensor is allocated (the logits are garbage afterwards).

The ops are ``torch.library`` custom ops with fake implementations, so they run under
``torch.compile`` without graph breaks. Both run on the CPU and on CUDA tensors. On the CPU
they run ipo's C++ kernels on ``torch.get_num_threads()`` threads (results are the same bits
for any count). On CUDA a call
with one pairwise loss type runs the package's CUDA kernels when it was built with its CUDA
variant (``ipo._ipo.has_cuda``; see the README), on the current stream: for
:func:`fused_linear_preference_loss` hidden states, weight and bias in fp32, bf16 or fp16
(products on tensor cores with fp32 accumulation, d(hidden) in the input dtype, d(weight) and
d(bias) accumulated in fp32) and the reference as ``ref_logps``. The rest (TRL's lists,
``sft``, ``aot``, ``ld_alpha``; every call without the CUDA variant) runs in PyTorch on the
device around ipo's C++ objective code (``evaluate_sequences``), with the CPU op's semantics:
:func:`preference_loss` with an eager loss's memory, :func:`fused_linear_preference_loss` in
two chunked sweeps (the log-probabilities, then the gradients), never holding more than one
chunk's logits.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Sequence

import torch

from . import _ipo

__all__ = ["fused_linear_preference_loss", "preference_loss", "sequence_logps", "vocab_parallel_preference_loss"]

_STATS = ("mean_chosen_reward", "mean_rejected_reward", "mean_margin", "accuracy", "objective_loss", "nll_loss")


@torch.compiler.assume_constant_result  # plain Python values in, a string out: no graph break
def _options_json(
    sequence_length: int,
    loss_type: str | Sequence[str],
    loss_weights: Sequence[float] | None,
    beta: float,
    label_smoothing: float,
    discopop_tau: float,
    f_divergence_type: str,
    f_alpha_divergence_coef: float,
    ld_alpha: float | None,
    use_weighting: bool,
    ignore_index: int,
    shift_labels: bool,
    reference_free: bool,
    simpo_gamma: float,
) -> str:
    if use_weighting:
        raise NotImplementedError(
            "use_weighting (WPO) is not supported by ipo's kernels: it needs sum(p^2) of every row; "
            "train with stock TRL for WPO"
        )
    types = [loss_type] if isinstance(loss_type, str) else list(loss_type)
    return json.dumps(
        {
            "sequence_length": int(sequence_length),
            "loss_type": types,
            "loss_weights": [] if loss_weights is None else [float(w) for w in loss_weights],
            "beta": float(beta),
            "label_smoothing": float(label_smoothing),
            "discopop_tau": float(discopop_tau),
            "f_divergence_type": f_divergence_type,
            "f_alpha_divergence_coef": float(f_alpha_divergence_coef),
            "ld_alpha": 1.0 if ld_alpha is None else float(ld_alpha),
            "ignore_index": int(ignore_index),
            "shift_labels": bool(shift_labels),
            "reference_free": bool(reference_free),
            "simpo_gamma": float(simpo_gamma),
        }
    )


def _require_cpu(*tensors: torch.Tensor | None, op: str = "fused_linear_preference_loss") -> None:
    for t in tensors:
        if t is not None and t.device.type != "cpu":
            raise NotImplementedError(
                f"ipo.torch.{op} runs on the CPU; got a tensor on {t.device}. On CUDA, use preference_loss "
                "over the logits (a build with the CUDA variant)."
            )


_DEVICE_DTYPES = {torch.float32: "float32", torch.bfloat16: "bfloat16", torch.float16: "float16"}


def _cuda_preference_loss(logits, labels, ref_logps, gradient, options: dict) -> dict:
    """The logits op on CUDA tensors through the package's CUDA variant, on the current stream."""
    _require_cuda_variant()
    _ipo.check_cuda_loss(options)  # unsupported options fail before any device work
    device = logits.device
    if logits.dtype not in _DEVICE_DTYPES:
        raise ValueError(f"logits must be float32, bfloat16 or float16, got {logits.dtype}")
    if logits.stride(-1) != 1:
        raise ValueError("logits must have unit stride along the vocabulary")
    labels = labels.to(device=device, dtype=torch.int64).contiguous()
    ref = None if ref_logps is None else ref_logps.to(device=device, dtype=torch.float32).contiguous()
    rows, vocab = logits.shape
    workspace_bytes = _ipo.cuda_workspace_bytes(rows, rows // max(1, options["sequence_length"]))
    workspace = torch.empty(workspace_bytes, dtype=torch.uint8, device=device)
    stream = torch.cuda.current_stream(device).cuda_stream
    with torch.cuda.device(device):
        return _ipo.cuda_preference_loss(
            logits.data_ptr(),
            _DEVICE_DTYPES[logits.dtype],
            rows,
            vocab,
            logits.stride(0),
            labels.data_ptr(),
            0 if ref is None else ref.data_ptr(),
            0 if gradient is None else gradient.data_ptr(),
            0 if gradient is None else gradient.stride(0),
            workspace.data_ptr(),
            workspace_bytes,
            stream,
            options,
        )


def _require_cuda_variant() -> None:
    if not _ipo.has_cuda:
        raise NotImplementedError(
            "this build of ipo has no CUDA variant: build it on a machine with nvcc, "
            "pip install ./python -C cmake.define.IPO_PYTHON_CUDA=ON"
        )


def _row_targets(labels: torch.Tensor, sequence_length: int, shift_labels: bool) -> torch.Tensor:
    """``[sequences, rows]``: the label row t of each sequence is scored against (label t + 1
    when shifted, so the last row has none), as the kernels' row_target decides."""
    per_sequence = labels.reshape(-1, sequence_length)
    return per_sequence[:, 1:] if shift_labels else per_sequence


def _flat_hidden(hidden: torch.Tensor, labels: torch.Tensor, sequence_length: int | None):
    """Hidden states ``[B, T, H]`` or ``[B*T, H]`` as ``[B*T, H]``, and the sequence length."""
    if hidden.dim() == 3:
        sequence_length = hidden.shape[1] if sequence_length is None else sequence_length
        return hidden.reshape(-1, hidden.shape[-1]), sequence_length
    if sequence_length is None:
        if labels.dim() != 2:
            raise ValueError("give sequence_length, or labels as [B, T]")
        sequence_length = labels.shape[1]
    return hidden, sequence_length


def _largest_pair_rows(labels: torch.Tensor, options: dict) -> int:
    """The scored rows of the largest pair (TRL's layout: pair i is sequences i and P + i)."""
    targets = _row_targets(labels, options["sequence_length"], options["shift_labels"])
    counts = (targets != options["ignore_index"]).sum(dim=1)
    pairs = counts.shape[0] // 2
    return int((counts[:pairs] + counts[pairs:]).max().item()) if pairs > 0 else 0


# What fused_linear_preference_loss holds of fp32 chunk logits when chunk_rows is 0, as the C++
# fused_linear_options (256 MiB).
_DEFAULT_MEMORY_BUDGET = 256 << 20


def _chunk_rows_from_budget(chunk_rows: int, memory_budget_bytes: int, vocab: int, hidden: int) -> int:
    """The scored rows per chunk: ``chunk_rows``, or when it is 0 the larger of the rows of fp32
    logits that ``memory_budget_bytes`` holds and ``hidden // 4`` (at least one): the C++
    fused_linear_options::rows_per_chunk rule, restated in Python so that torch.compile traces
    through it (a test checks the two agree)."""
    if chunk_rows < 0:
        raise ValueError(f"chunk_rows = {chunk_rows}: expected >= 0 (0: from memory_budget_bytes)")
    if memory_budget_bytes < 1:
        raise ValueError(f"memory_budget_bytes = {memory_budget_bytes}: expected >= 1")
    if chunk_rows > 0:
        return chunk_rows
    return max(1, memory_budget_bytes // (max(1, vocab) * 4), hidden // 4)


def _device_chunk_rows(chunk_rows: int, rows: int, largest_pair_rows: int) -> int:
    """The CUDA chunk: as on the CPU, a pair with more scored rows than chunk_rows is not an
    error (the device chunks hold up to the larger of the two); never more than every row;
    0 (only from a direct op call): every scored row in one chunk."""
    if chunk_rows <= 0:
        return rows
    return max(1, min(rows, max(chunk_rows, largest_pair_rows)))


def _cuda_fused_linear(hidden, weight, bias, labels, ref_logps, ref_hidden, options: dict, chunk_rows: int):
    """The fused linear op on CUDA tensors: returns (result, d_hidden, d_weight, d_bias)."""
    _require_cuda_variant()
    _ipo.check_cuda_loss(options)
    if ref_hidden is not None:
        raise NotImplementedError(
            "ipo.torch.fused_linear_preference_loss on CUDA takes the reference as ref_logps; "
            "ref_hidden/ref_weight run on the CPU"
        )
    device = hidden.device
    if hidden.dtype not in _DEVICE_DTYPES:
        raise ValueError(f"hidden must be float32, bfloat16 or float16, got {hidden.dtype}")
    for name, t in (("lm_head_weight", weight), ("bias", bias)):
        if t is not None and (t.dtype != hidden.dtype or t.device != device):
            raise ValueError(f"{name} must have the dtype and device of hidden ({hidden.dtype}, {device})")
    h = hidden.detach()
    h = h if h.stride(-1) == 1 else h.contiguous()
    w = weight.detach()
    w = w if w.stride(-1) == 1 else w.contiguous()
    b = None if bias is None else bias.detach().contiguous()
    labels = labels.to(device=device, dtype=torch.int64).contiguous()
    ref = None if ref_logps is None else ref_logps.to(device=device, dtype=torch.float32).contiguous()
    rows, width = h.shape
    vocab = w.shape[0]
    sequences = rows // max(1, options["sequence_length"])
    chunk = _device_chunk_rows(chunk_rows, rows, _largest_pair_rows(labels, options))
    dtype = _DEVICE_DTYPES[h.dtype]
    workspace_bytes = _ipo.cuda_linear_workspace_bytes(dtype, rows, sequences, width, vocab, chunk)
    workspace = torch.empty(workspace_bytes, dtype=torch.uint8, device=device)
    d_hidden = torch.empty_like(h, memory_format=torch.contiguous_format)
    d_weight = torch.empty((vocab, width), dtype=torch.float32, device=device)
    d_bias = None if b is None else torch.empty((vocab,), dtype=torch.float32, device=device)
    stream = torch.cuda.current_stream(device).cuda_stream
    with torch.cuda.device(device):
        result = _ipo.cuda_fused_linear_preference_loss(
            dtype,
            h.data_ptr(),
            rows,
            width,
            h.stride(0),
            w.data_ptr(),
            vocab,
            w.stride(0),
            0 if b is None else b.data_ptr(),
            labels.data_ptr(),
            0 if ref is None else ref.data_ptr(),
            d_hidden.data_ptr(),
            d_hidden.stride(0),
            d_weight.data_ptr(),
            0 if d_bias is None else d_bias.data_ptr(),
            chunk,
            workspace.data_ptr(),
            workspace_bytes,
            stream,
            options,
        )
    return result, d_hidden, d_weight, d_bias


def _cuda_kernels_take(options: dict) -> bool:
    """Whether the CUDA kernels run these options: one pairwise loss type, no sft, no ld_alpha,
    and a build with the CUDA variant."""
    if not _ipo.has_cuda:
        return False
    try:
        _ipo.check_cuda_loss(options)
    except ValueError:
        return False
    return True


def _device_route(tensor: torch.Tensor, options: dict) -> str:
    """Which implementation a call on ``tensor``'s device takes: "cpu" (the C++ CPU op),
    "kernels" (the CUDA variant) or "pytorch" (_generic_preference_loss and
    _generic_fused_linear: what the kernels do not take, or a build without them)."""
    if tensor.device.type != "cuda":
        return "cpu"
    return "kernels" if _cuda_kernels_take(options) else "pytorch"


_warned_no_cuda_variant = False


def _warn_once_without_cuda_variant(tensor: torch.Tensor) -> None:
    """One warning per process when CUDA tensors take the PyTorch path for want of the kernels."""
    global _warned_no_cuda_variant
    if tensor.device.type == "cuda" and not _ipo.has_cuda and not _warned_no_cuda_variant:
        _warned_no_cuda_variant = True
        warnings.warn(
            "ipo: this build has no CUDA variant, so the ipo.torch ops run in PyTorch on CUDA "
            "tensors; pip install ./python -C cmake.define.IPO_PYTHON_CUDA=ON for the fused kernels",
            stacklevel=4,
        )


def _ld_dpo_weights(sequence_of: torch.Tensor, counts: torch.Tensor, ld_alpha: float | None):
    """LD-DPO's weight of each scored row (rows in sequence order, ``sequence_of`` their
    sequences, ``counts`` the scored rows per sequence), as the CPU op weights them: rows past
    the shorter side of their pair (pair i: sequences i and P + i) count ``ld_alpha`` times;
    None when ``ld_alpha`` is None or 1."""
    if ld_alpha is None or ld_alpha == 1.0:
        return None
    pairs = counts.shape[0] // 2
    shared = torch.minimum(counts[:pairs], counts[pairs:]).repeat(2)
    first_row = torch.cumsum(counts, 0) - counts
    position = torch.arange(sequence_of.shape[0], device=counts.device) - first_row[sequence_of]
    alpha = torch.tensor(ld_alpha, dtype=torch.float32, device=counts.device)
    return torch.where(position < shared[sequence_of], torch.ones_like(alpha), alpha)


def _scored_rows(labels: torch.Tensor, rows: int, vocab: int, options: dict, device):
    """The scored rows of a batch of ``rows`` positions (sorted) and their targets, as the
    kernels plan them (row t of a sequence is scored against label t + 1 when shifted); a
    ValueError names a target outside [0, vocab)."""
    length = options["sequence_length"]
    flat = labels.reshape(-1).to(device=device, dtype=torch.int64)
    if length < 1 or rows % length != 0 or (rows // length) % 2 != 0:
        raise ValueError(f"{rows} rows: expected 2P sequences of sequence_length = {length} rows")
    if flat.numel() != rows:
        raise ValueError(f"labels hold {flat.numel()} entries: expected one per row ({rows})")
    targets = _row_targets(flat, length, options["shift_labels"])
    sequence, position = (targets != options["ignore_index"]).nonzero(as_tuple=True)
    scored = sequence * length + position  # row-major: sorted
    y = targets[sequence, position]
    bad = torch.nonzero((y < 0) | (y >= vocab), as_tuple=True)[0]
    if bad.numel() > 0:
        row = int(scored[bad[0]].item())
        raise ValueError(
            f"labels: {int(y[bad[0]].item())} scored at logits row {row} is outside [0, {vocab}) "
            f"and is not ignore_index ({options['ignore_index']})"
        )
    return scored, y


def _row_stats(x: torch.Tensor, y: torch.Tensor):
    """Row maximum, sum of exp(x - max) and the target's log-probability (fp64) of fp32 rows,
    as the kernels form them: the maximum kept apart, so that large logits keep their small
    differences. Leaves exp(x - max) in ``x``."""
    row_max = x.max(dim=1).values
    target_logit = x.gather(1, y[:, None]).squeeze(1)
    x.sub_(row_max[:, None]).exp_()
    row_sum = x.sum(dim=1)
    return row_max, row_sum, (target_logit.double() - row_max.double()) - torch.log(row_sum.double())


def _onehot_minus_softmax_scaled_(x: torch.Tensor, row_sum: torch.Tensor, y: torch.Tensor, scale: torch.Tensor):
    """Turns exp(x - max) rows (as _row_stats leaves them) into scale * (onehot(y) - softmax),
    in place: the logits gradient of the scored rows, as the kernels form it."""
    x.div_(row_sum[:, None]).neg_()
    x[torch.arange(x.shape[0], device=x.device), y] += 1.0
    x.mul_(scale[:, None])


def _evaluate(row_logp, scored, rows, ref_logps, options: dict):
    """The objective from the scored rows' log-probabilities, by ipo's C++
    (evaluate_sequences): returns the result dict, each scored row's sequence and its gradient
    scale d(loss)/d(row log-probability) (LD-DPO's weight included)."""
    length = options["sequence_length"]
    sequences = rows // length
    sequence_of = scored // length
    counts = torch.bincount(sequence_of, minlength=sequences)
    weight = _ld_dpo_weights(sequence_of, counts, options["ld_alpha"])
    if weight is not None:
        row_logp = row_logp * weight.double()
    policy = torch.zeros(sequences, dtype=torch.float64, device=row_logp.device).index_add_(0, sequence_of, row_logp)
    result = _ipo.evaluate_sequences(
        policy.tolist(),
        counts.tolist(),
        None if ref_logps is None else ref_logps.detach().to(torch.float32).tolist(),
        options,
    )
    scale = torch.tensor(result["sequence_scales"], dtype=torch.float32, device=row_logp.device)[sequence_of]
    return result, scale if weight is None else scale * weight


def _generic_preference_loss(logits, labels, ref_logps, gradient, options: dict) -> dict:
    """The logits op for what the CUDA kernels do not take (lists of loss types, ``sft``,
    ``aot``, ``aot_unpaired``, ``ld_alpha``, or a build without the CUDA variant), on any
    device: the row statistics, log-probabilities and gradient in PyTorch on the logits' device
    (in one fp32 copy of the scored rows' logits: about the memory of TRL's eager path), the
    objective by ipo's C++ (``evaluate_sequences``, the CPU op's own code), so the loss, metrics
    and gradient are those of the CPU op up to fp32 rounding. Writes the gradient into
    ``gradient`` (which may be ``logits``): zeros on the rows that are not scored."""
    rows, vocab = logits.shape
    scored, y = _scored_rows(labels, rows, vocab, options, logits.device)
    x = logits[scored].to(torch.float32)  # one copy, then worked on in place
    _, row_sum, row_logp = _row_stats(x, y)
    result, scale = _evaluate(row_logp, scored, rows, ref_logps, options)
    if gradient is not None:
        _onehot_minus_softmax_scaled_(x, row_sum, y, scale)
        gradient.zero_()
        gradient[scored] = x.to(gradient.dtype)
    return result


def _generic_fused_linear(hidden, weight, bias, labels, ref_logps, ref_hidden, ref_weight, ref_bias, options, chunk):
    """The fused linear op for what the CUDA kernels do not take (see _generic_preference_loss),
    in PyTorch on the inputs' device: two sweeps over chunks of ``chunk`` scored rows (the
    log-probabilities, then, after ipo's C++ has evaluated the objective, the gradients), so no
    more than one chunk's logits exist at a time, as in TRL's chunked head. Products in the
    inputs' dtype, the row work in fp32; the logits gradient is rounded to the inputs' dtype
    before the backward products (as the CUDA fused linear does), d(weight) and d(bias)
    accumulate in fp32. A reference model's hidden states give ``ref_logps`` through
    sequence_logps. Returns (result, d_hidden, d_weight, d_bias) as _cuda_fused_linear does."""
    length = options["sequence_length"]
    rows, width = hidden.shape
    vocab = weight.shape[0]
    scored, y = _scored_rows(labels, rows, vocab, options, hidden.device)
    if ref_logps is None and ref_hidden is not None:
        ref_logps = sequence_logps(
            ref_hidden,
            ref_weight,
            labels.reshape(-1, length),
            bias=ref_bias,
            chunk_rows=chunk,
            ignore_index=options["ignore_index"],
            shift_labels=options["shift_labels"],
            ld_alpha=options["ld_alpha"],
        )
    h, w = hidden.detach(), weight.detach()
    b = None if bias is None else bias.detach()

    def chunk_logits(start):
        part = h[scored[start : start + chunk]] @ w.T
        return (part if b is None else part + b).to(torch.float32)

    # The first sweep keeps each row's maximum and sum of exp, so the second one only
    # recomputes the logits.
    row_max = torch.empty(len(scored), dtype=torch.float32, device=h.device)
    row_sum = torch.empty_like(row_max)
    row_logp = torch.empty(len(scored), dtype=torch.float64, device=h.device)
    for start in range(0, len(scored), chunk):
        part = slice(start, start + chunk)
        row_max[part], row_sum[part], row_logp[part] = _row_stats(chunk_logits(start), y[part])
    result, scale = _evaluate(row_logp, scored, rows, ref_logps, options)
    d_hidden = torch.zeros_like(h, memory_format=torch.contiguous_format)
    d_weight = torch.zeros((vocab, width), dtype=torch.float32, device=h.device)
    d_bias = None if b is None else torch.zeros((vocab,), dtype=torch.float32, device=h.device)
    for start in range(0, len(scored), chunk):
        part = slice(start, start + chunk)
        x = chunk_logits(start).sub_(row_max[part, None]).exp_()
        index = scored[part]
        _onehot_minus_softmax_scaled_(x, row_sum[part], y[part], scale[part])
        if d_bias is not None:
            d_bias += x.sum(dim=0)
        g = x.to(h.dtype)
        d_hidden[index] = g @ w
        d_weight.addmm_(g.T.to(torch.float32), h[index].to(torch.float32))
    return result, d_hidden, d_weight, d_bias


def _on_torch_threads(options: dict) -> dict:
    """``options`` for the C++ CPU ops, on as many threads as PyTorch's intra-op pool
    (torch.set_num_threads), not on every core: the kernels' results do not depend on it."""
    return {**options, "threads": torch.get_num_threads()}


def _run_preference_loss(logits, labels, ref_logps, gradient, options: str) -> dict:
    """One call of the logits op on the logits' device; ``gradient`` may be the logits buffer."""
    opts = json.loads(options)
    route = _device_route(logits, opts)
    if route == "kernels":
        return _cuda_preference_loss(logits, labels, ref_logps, gradient, opts)
    if route == "pytorch":
        _warn_once_without_cuda_variant(logits)
        return _generic_preference_loss(logits, labels, ref_logps, gradient, opts)
    _require_cpu(labels, ref_logps, op="preference_loss")
    return _ipo.preference_loss(logits, labels.contiguous(), ref_logps, gradient, _on_torch_threads(opts))


def _outputs(result: dict, batch: int, device) -> tuple:
    logps = torch.tensor(result["policy_logps"], dtype=torch.float64, device=device)
    counts = torch.tensor(result["token_counts"], dtype=torch.int64, device=device)
    stats = torch.tensor([result[k] for k in _STATS], dtype=torch.float32, device=device)
    chosen = torch.tensor(result["chosen_rewards"], dtype=torch.float32, device=device)
    rejected = torch.tensor(result["rejected_rewards"], dtype=torch.float32, device=device)
    loss = torch.tensor(result["loss"], dtype=torch.float32, device=device)
    return loss, logps, counts, stats, chosen, rejected


# --------------------------------------------------------------------------- the logits op


@torch.library.custom_op("ipo::preference_loss", mutates_args=())
def _preference_loss_op(
    logits: torch.Tensor, labels: torch.Tensor, ref_logps: torch.Tensor | None, options: str
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    logits = logits.contiguous()
    gradient = torch.empty_like(logits)
    result = _run_preference_loss(logits, labels, ref_logps, gradient, options)
    loss, logps, counts, stats, chosen, rejected = _outputs(result, labels.shape[0], logits.device)
    return loss, gradient, logps, counts, stats, chosen, rejected


@torch.library.custom_op("ipo::preference_loss_", mutates_args=("logits",))
def _preference_loss_inplace_op(
    logits: torch.Tensor, labels: torch.Tensor, ref_logps: torch.Tensor | None, options: str
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    if not logits.is_contiguous():
        raise ValueError("inplace=True needs contiguous logits")
    result = _run_preference_loss(logits, labels, ref_logps, logits, options)
    return _outputs(result, labels.shape[0], logits.device)


def _fake_outputs(logits: torch.Tensor, options: str):
    o = json.loads(options)
    sequences = logits.shape[0] // o["sequence_length"]
    pairs = sequences // 2
    return (
        logits.new_empty((), dtype=torch.float32),
        logits.new_empty((sequences,), dtype=torch.float64),
        logits.new_empty((sequences,), dtype=torch.int64),
        logits.new_empty((len(_STATS),), dtype=torch.float32),
        logits.new_empty((pairs,), dtype=torch.float32),
        logits.new_empty((pairs,), dtype=torch.float32),
    )


@_preference_loss_op.register_fake
def _(logits, labels, ref_logps, options):
    loss, logps, counts, stats, chosen, rejected = _fake_outputs(logits, options)
    return loss, torch.empty_like(logits), logps, counts, stats, chosen, rejected


@_preference_loss_inplace_op.register_fake
def _(logits, labels, ref_logps, options):
    return _fake_outputs(logits, options)


class _PreferenceLoss(torch.autograd.Function):
    @staticmethod
    def forward(ctx, logits, labels, ref_logps, options, inplace):
        if inplace:
            loss, logps, counts, stats, chosen, rejected = _preference_loss_inplace_op(
                logits, labels, ref_logps, options
            )
            gradient = logits
        else:
            loss, gradient, logps, counts, stats, chosen, rejected = _preference_loss_op(
                logits, labels, ref_logps, options
            )
        ctx.save_for_backward(gradient)
        ctx.mark_non_differentiable(logps, counts, stats, chosen, rejected)
        return loss, logps, counts, stats, chosen, rejected

    @staticmethod
    def backward(ctx, grad_loss, *unused):
        (gradient,) = ctx.saved_tensors
        # In place: no second [B*T, V] tensor, whatever the upstream gradient.
        return gradient.mul_(grad_loss.to(gradient.dtype)), None, None, None, None


def _metrics(logps, counts, stats, chosen, rejected) -> dict:
    pairs = chosen.shape[0]
    return {
        "rewards/chosen": stats[0],
        "rewards/rejected": stats[1],
        "rewards/margins": stats[2],
        "rewards/accuracies": stats[3],
        "logps/chosen": logps[:pairs].float().mean(),
        "logps/rejected": logps[pairs:].float().mean(),
        "loss/objective": stats[4],
        "loss/nll": stats[5],
        "policy_logps": logps,
        "token_counts": counts,
        "chosen_rewards": chosen,
        "rejected_rewards": rejected,
    }


def preference_loss(
    logits: torch.Tensor,
    labels: torch.Tensor,
    ref_logps: torch.Tensor | None = None,
    *,
    sequence_length: int | None = None,
    loss_type: str | Sequence[str] = "sigmoid",
    loss_weights: Sequence[float] | None = None,
    beta: float = 0.1,
    label_smoothing: float = 0.0,
    discopop_tau: float = 0.05,
    f_divergence_type: str = "reverse_kl",
    f_alpha_divergence_coef: float = 1.0,
    ld_alpha: float | None = None,
    use_weighting: bool = False,
    ignore_index: int = -100,
    shift_labels: bool = True,
    reference_free: bool = False,
    simpo_gamma: float = 0.5,
    inplace: bool = False,
) -> tuple[torch.Tensor, dict]:
    """The preference loss over the logits of ``B = 2P`` sequences (see the module docstring).

    ``logits`` is ``[B, T, V]`` (or ``[B*T, V]`` with ``sequence_length``), ``labels``
    ``[B, T]`` token ids with ``ignore_index`` where nothing is scored (the shared prompt and
    prefix), ``ref_logps`` ``[B]`` reference log-probabilities of the same scored tokens (chosen
    first), or None with ``reference_free=True``. Returns the mean loss (a 0-dim tensor with
    autograd to ``logits``) and a dict of the metrics TRL logs (``rewards/chosen``,
    ``rewards/rejected``, ``rewards/margins``, ``rewards/accuracies``, ``logps/chosen``,
    ``logps/rejected``) plus per-sequence ``policy_logps`` and ``token_counts``.
    """
    if logits.dim() == 3:
        batch, seq, vocab = logits.shape
        sequence_length = seq if sequence_length is None else sequence_length
        logits2 = logits.reshape(batch * seq, vocab)
    else:
        logits2 = logits
        if sequence_length is None:
            if labels.dim() != 2:
                raise ValueError("give sequence_length, or labels as [B, T]")
            sequence_length = labels.shape[1]
    flat_labels = labels.reshape(-1)
    if flat_labels.dtype not in (torch.int64, torch.int32):
        raise ValueError(f"labels must be int64 or int32, got {flat_labels.dtype}")
    if ref_logps is not None:
        ref_logps = ref_logps.detach().to(torch.float32).contiguous()
    options = _options_json(
        sequence_length,
        loss_type,
        loss_weights,
        beta,
        label_smoothing,
        discopop_tau,
        f_divergence_type,
        f_alpha_divergence_coef,
        ld_alpha,
        use_weighting,
        ignore_index,
        shift_labels,
        reference_free,
        simpo_gamma,
    )
    loss, logps, counts, stats, chosen, rejected = _PreferenceLoss.apply(
        logits2, flat_labels, ref_logps, options, inplace
    )
    return loss, _metrics(logps, counts, stats, chosen, rejected)


# --------------------------------------------------------------------------- the fused linear op


@torch.library.custom_op("ipo::fused_linear_preference_loss", mutates_args=())
def _fused_linear_op(
    hidden: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None,
    labels: torch.Tensor,
    ref_logps: torch.Tensor | None,
    ref_hidden: torch.Tensor | None,
    ref_weight: torch.Tensor | None,
    ref_bias: torch.Tensor | None,
    options: str,
    chunk_rows: int,
) -> tuple[
    torch.Tensor,
    torch.Tensor,
    torch.Tensor,
    torch.Tensor,
    torch.Tensor,
    torch.Tensor,
    torch.Tensor,
    torch.Tensor,
    torch.Tensor,
]:
    opts = json.loads(options)
    route = _device_route(hidden, opts)
    if route != "cpu":
        if route == "kernels":
            result, d_hidden, d_weight, d_bias = _cuda_fused_linear(
                hidden, weight, bias, labels, ref_logps, ref_hidden, opts, chunk_rows
            )
        else:
            _warn_once_without_cuda_variant(hidden)
            result, d_hidden, d_weight, d_bias = _generic_fused_linear(
                hidden, weight, bias, labels, ref_logps, ref_hidden, ref_weight, ref_bias, opts, chunk_rows
            )
        loss, logps, counts, stats, chosen, rejected = _outputs(result, labels.shape[0], hidden.device)
        if d_bias is None:
            d_bias = hidden.new_empty((0,), dtype=torch.float32)
        return loss, d_hidden, d_weight, d_bias, logps, counts, stats, chosen, rejected
    _require_cpu(hidden, weight, bias, labels, ref_logps, ref_hidden, ref_weight, ref_bias)

    def f32(t):
        return None if t is None else t.detach().to(torch.float32).contiguous()

    h, w, b = f32(hidden), f32(weight), f32(bias)
    d_hidden = torch.zeros_like(h)
    d_weight = torch.zeros_like(w)
    d_bias = torch.zeros_like(b) if b is not None else None
    result = _ipo.fused_linear_preference_loss(
        h,
        w,
        b,
        labels.contiguous(),
        ref_logps,
        f32(ref_hidden),
        f32(ref_weight),
        f32(ref_bias),
        d_hidden,
        d_weight,
        d_bias,
        chunk_rows,
        0,
        _on_torch_threads(json.loads(options)),
    )
    loss, logps, counts, stats, chosen, rejected = _outputs(result, labels.shape[0], hidden.device)
    if d_bias is None:
        d_bias = hidden.new_empty((0,), dtype=torch.float32)
    return loss, d_hidden, d_weight, d_bias, logps, counts, stats, chosen, rejected


@_fused_linear_op.register_fake
def _(hidden, weight, bias, labels, ref_logps, ref_hidden, ref_weight, ref_bias, options, chunk_rows):
    loss, logps, counts, stats, chosen, rejected = _fake_outputs(hidden, options)
    d_bias = hidden.new_empty((0,) if bias is None else bias.shape, dtype=torch.float32)
    # d(hidden) is fp32 from the CPU kernels and in hidden's dtype from the CUDA ones.
    d_hidden_dtype = hidden.dtype if hidden.device.type == "cuda" else torch.float32
    return (
        loss,
        hidden.new_empty(hidden.shape, dtype=d_hidden_dtype),
        weight.new_empty(weight.shape, dtype=torch.float32),
        d_bias,
        logps,
        counts,
        stats,
        chosen,
        rejected,
    )


class _FusedLinear(torch.autograd.Function):
    @staticmethod
    def forward(ctx, hidden, weight, bias, labels, ref_logps, ref_hidden, ref_weight, ref_bias, options, chunk_rows):
        loss, d_hidden, d_weight, d_bias, logps, counts, stats, chosen, rejected = _fused_linear_op(
            hidden, weight, bias, labels, ref_logps, ref_hidden, ref_weight, ref_bias, options, chunk_rows
        )
        ctx.save_for_backward(d_hidden, d_weight, d_bias)
        ctx.dtypes = (hidden.dtype, weight.dtype, None if bias is None else bias.dtype)
        ctx.mark_non_differentiable(logps, counts, stats, chosen, rejected)
        return loss, logps, counts, stats, chosen, rejected

    @staticmethod
    def backward(ctx, grad_loss, *unused):
        d_hidden, d_weight, d_bias = ctx.saved_tensors
        h_dtype, w_dtype, b_dtype = ctx.dtypes
        g = grad_loss.to(torch.float32)
        return (
            d_hidden.mul_(g).to(h_dtype),
            d_weight.mul_(g).to(w_dtype),
            None if b_dtype is None else d_bias.mul_(g).to(b_dtype),
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        )


def fused_linear_preference_loss(
    hidden: torch.Tensor,
    lm_head_weight: torch.Tensor,
    labels: torch.Tensor,
    ref_logps: torch.Tensor | None = None,
    *,
    ref_hidden: torch.Tensor | None = None,
    ref_weight: torch.Tensor | None = None,
    bias: torch.Tensor | None = None,
    ref_bias: torch.Tensor | None = None,
    sequence_length: int | None = None,
    chunk_rows: int = 0,
    memory_budget_bytes: int = _DEFAULT_MEMORY_BUDGET,
    **loss_options,
) -> tuple[torch.Tensor, dict]:
    """The preference loss from hidden states ``[B, T, H]`` and the lm_head weight ``[V, H]``.

    Logits are formed chunk by chunk (whole pairs, only scored rows) and never all at once;
    gradients reach ``hidden``, ``lm_head_weight`` and ``bias``. The reference is either
    ``ref_logps`` ``[B]`` or the reference model's ``ref_hidden`` and ``ref_weight`` (computed in
    the same chunks, without gradient). ``loss_options`` are those of :func:`preference_loss`.
    The CPU kernels compute in fp32 (bf16 and fp16 inputs are converted); on CUDA tensors (a
    build with the CUDA variant) the products run in the inputs' dtype on tensor cores with fp32
    accumulation, one pairwise loss type per call, the reference as ``ref_logps``.

    A chunk holds whole pairs and at most ``chunk_rows`` scored rows (a pair with more forms a
    chunk alone on the CPU; on CUDA every chunk is sized for the largest pair); ``chunk_rows=0``
    (the default) takes as many rows as ``memory_budget_bytes`` of fp32 logits hold (256 MiB:
    523 rows for a vocabulary of 128,256) or ``H // 4`` rows if more (1,024 for H = 4096: every
    chunk re-reads and re-writes the fp32 d(weight), so small chunks of a wide model are slow),
    on the CPU and on CUDA alike.
    """
    chunk_rows = _chunk_rows_from_budget(
        int(chunk_rows), int(memory_budget_bytes), lm_head_weight.shape[0], lm_head_weight.shape[-1]
    )
    if ref_hidden is not None:
        ref_hidden, _ = _flat_hidden(ref_hidden, labels, sequence_length)
    hidden, sequence_length = _flat_hidden(hidden, labels, sequence_length)
    if (ref_hidden is None) != (ref_weight is None):
        raise ValueError("ref_hidden and ref_weight go together")
    if ref_logps is not None:
        ref_logps = ref_logps.detach().to(torch.float32).contiguous()
    options = _options_json(sequence_length, **_with_defaults(loss_options))
    flat_labels = labels.reshape(-1).to(torch.int64)
    loss, logps, counts, stats, chosen, rejected = _FusedLinear.apply(
        hidden,
        lm_head_weight,
        bias,
        flat_labels,
        ref_logps,
        None if ref_hidden is None else ref_hidden.detach(),
        None if ref_weight is None else ref_weight.detach(),
        None if ref_bias is None else ref_bias.detach(),
        options,
        int(chunk_rows),
    )
    return loss, _metrics(logps, counts, stats, chosen, rejected)


@torch.no_grad()
def sequence_logps(
    hidden: torch.Tensor,
    lm_head_weight: torch.Tensor,
    labels: torch.Tensor,
    *,
    bias: torch.Tensor | None = None,
    sequence_length: int | None = None,
    chunk_rows: int = 4096,
    ignore_index: int = -100,
    shift_labels: bool = True,
    ld_alpha: float | None = None,
) -> torch.Tensor:
    """Per-sequence sums of ``log softmax(hidden @ lm_head_weight.T + bias)[label]``, without
    gradient and without the batch's ``[rows x V]`` logits: only rows with a label are formed,
    ``chunk_rows`` at a time (the product in the inputs' dtype, the log-softmax in fp32, the
    sums in fp64). ``hidden`` is ``[B, T, H]`` (or ``[B*T, H]`` with ``sequence_length``);
    labels are causal-LM labels as in :func:`preference_loss`. Returns ``[B]`` float32: the
    reference log-probabilities a reference model gives, for ``ref_logps`` (``IPOTrainer`` uses
    it for a reference model on CUDA, where the fused linear op takes ``ref_logps`` only).
    With ``ld_alpha`` the rows are weighted as LD-DPO weighs them (see :func:`preference_loss`),
    the reference log-probabilities TRL uses then.
    """
    hidden, sequence_length = _flat_hidden(hidden, labels, sequence_length)
    if chunk_rows < 1:
        raise ValueError(f"chunk_rows = {chunk_rows}: expected >= 1")
    targets = _row_targets(labels.to(hidden.device), sequence_length, shift_labels)
    sequence, position = (targets != ignore_index).nonzero(as_tuple=True)
    rows = sequence * sequence_length + position  # row t is scored by target t (label t + 1 shifted)
    picked = targets[sequence, position]
    if ((picked < 0) | (picked >= lm_head_weight.shape[0])).any():
        raise ValueError(f"labels must be token ids in [0, {lm_head_weight.shape[0]}) or {ignore_index}")
    out = torch.zeros(targets.shape[0], dtype=torch.float64, device=hidden.device)
    weight = _ld_dpo_weights(sequence, torch.bincount(sequence, minlength=targets.shape[0]), ld_alpha)
    for start in range(0, rows.shape[0], chunk_rows):
        stop = start + chunk_rows
        logits = hidden[rows[start:stop]] @ lm_head_weight.T
        if bias is not None:
            logits = logits + bias
        logp = torch.log_softmax(logits.float(), dim=-1)
        row_logp = logp.gather(1, picked[start:stop, None]).squeeze(1).double()
        if weight is not None:
            row_logp = row_logp * weight[start:stop].double()
        out.index_add_(0, sequence[start:stop], row_logp)
    return out.float()


# --------------------------------------------------------------------------- vocabulary parallel


def vocab_parallel_preference_loss(
    hidden: torch.Tensor,
    weight_shard: torch.Tensor,
    vocab_start: int,
    labels: torch.Tensor,
    ref_logps: torch.Tensor | None = None,
    *,
    group=None,
    sequence_length: int | None = None,
    **loss_options,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, dict]:
    """The preference loss with the lm_head split across the ranks of ``group`` by rows.

    Each rank holds ``weight_shard`` = rows ``[vocab_start, vocab_start + V_shard)`` of the
    lm_head and the same ``hidden`` ``[B, T, H]`` and ``labels``. Each rank summarises its
    shard's logits of every scored row (ipo's ``partial_row_stats``: max and sum of exp); the
    summaries are merged exactly across ranks with two all-reduces (max, then the rescaled
    sums), and so are the target logits; ipo evaluates the objective from the merged sequence
    log-probabilities (``evaluate_sequences``), and each rank forms the gradient of its shard.
    Returns ``(loss, d_hidden, d_weight_shard, metrics)``; ``d_hidden`` is all-reduced, so every
    rank holds the full one. Gradients are computed directly (no autograd).
    """
    import torch.distributed as dist

    if hidden.dim() == 3:
        batch, seq, width = hidden.shape
        sequence_length = seq
        hidden = hidden.reshape(batch * seq, width)
    options = json.loads(_options_json(sequence_length, **_with_defaults(loss_options)))
    if options.get("ld_alpha", 1.0) != 1.0:
        raise NotImplementedError("ld_alpha is not supported by the vocabulary-parallel path")
    flat = labels.reshape(-1).to(torch.int64)
    rows = flat.shape[0]
    T = sequence_length
    shift = 1 if options["shift_labels"] else 0
    positions = torch.arange(rows)
    target = torch.full((rows,), -100, dtype=torch.int64)
    valid = (positions % T) + shift < T
    target[valid] = flat[positions[valid] + shift]
    scored = torch.nonzero(target != options["ignore_index"], as_tuple=True)[0]
    y = target[scored]
    h = hidden.detach().to(torch.float32)[scored]
    w = weight_shard.detach().to(torch.float32)
    logits = h @ w.T  # [scored, V_shard]
    max_local = torch.empty(len(scored), dtype=torch.float32)
    sum_local = torch.empty(len(scored), dtype=torch.float32)
    _ipo.partial_row_stats(logits.contiguous(), max_local, sum_local)
    global_max = max_local.clone()
    dist.all_reduce(global_max, op=dist.ReduceOp.MAX, group=group)
    sums = sum_local * torch.exp(max_local - global_max)
    dist.all_reduce(sums, op=dist.ReduceOp.SUM, group=group)
    in_shard = (y >= vocab_start) & (y < vocab_start + w.shape[0])
    target_logit = torch.zeros(len(scored), dtype=torch.float64)
    local_index = (y - vocab_start).clamp(0, w.shape[0] - 1)
    target_logit[in_shard] = logits[in_shard, local_index[in_shard]].double()
    dist.all_reduce(target_logit, op=dist.ReduceOp.SUM, group=group)
    row_logp = (target_logit - global_max.double()) - torch.log(sums.double())
    sequences = rows // T
    sequence_of = scored // T
    policy_logps = torch.zeros(sequences, dtype=torch.float64).index_add_(0, sequence_of, row_logp)
    counts = torch.bincount(sequence_of, minlength=sequences)
    result = _ipo.evaluate_sequences(
        policy_logps.tolist(),
        counts.tolist(),
        None if ref_logps is None else ref_logps.detach().to(torch.float32).tolist(),
        options,
    )
    scale = torch.tensor(result["sequence_scales"], dtype=torch.float32)[sequence_of]
    softmax = torch.exp(logits - (global_max + torch.log(sums)).unsqueeze(1))
    grad_logits = -softmax * scale.unsqueeze(1)
    grad_logits[in_shard, local_index[in_shard]] += scale[in_shard]
    d_weight = grad_logits.T @ h
    d_scored = grad_logits @ w
    dist.all_reduce(d_scored, op=dist.ReduceOp.SUM, group=group)
    d_hidden = torch.zeros(rows, h.shape[1], dtype=torch.float32)
    d_hidden[scored] = d_scored
    loss = torch.tensor(result["loss"], dtype=torch.float32)
    metrics = {"policy_logps": policy_logps, "token_counts": counts, "accuracy": result["accuracy"]}
    return loss, d_hidden, d_weight, metrics


def _with_defaults(options: dict) -> dict:
    defaults = {
        "loss_type": "sigmoid",
        "loss_weights": None,
        "beta": 0.1,
        "label_smoothing": 0.0,
        "discopop_tau": 0.05,
        "f_divergence_type": "reverse_kl",
        "f_alpha_divergence_coef": 1.0,
        "ld_alpha": None,
        "use_weighting": False,
        "ignore_index": -100,
        "shift_labels": True,
        "reference_free": False,
        "simpo_gamma": 0.5,
    }
    unknown = set(options) - set(defaults)
    if unknown:
        raise TypeError(f"unknown loss options: {sorted(unknown)}")
    defaults.update(options)
    return defaults
