"""The loss step of DPO training side by side: time, peak memory and error against fp64.

One step is what a trainer runs after the backbone: lm_head, per-sequence log-probabilities of the
labels, TRL's sigmoid DPO loss, and the backward pass to the hidden states and the lm_head weight.

    python benchmarks/bench_loss_step.py                       # CPU, a shape this 2-core VM runs in seconds
    python benchmarks/bench_loss_step.py --device cuda --pairs 8 --length 512 --scored 256 \
        --hidden 4096 --vocab 128256 --dtype bfloat16            # bench_loss / BM_FusedLinear's shape

Variants (each skipped, with the reason printed, where it cannot run):
  eager_logits        logits materialised, log_softmax + gather in PyTorch (TRL before its fused head)
  trl_chunked         TRL's own ChunkedLogProbFunction (what DPOTrainer runs with fused_lm_head=True)
  ipo_logits          logits materialised, ipo.torch.preference_loss (gradient into a new buffer)
  ipo_logits_inplace  the same with inplace=True (the gradient overwrites the logits)
  ipo_fused_linear    ipo.torch.fused_linear_preference_loss (no [rows x V] logits for the batch)
  ipo_fused_linear_pytorch
                      the same op through its PyTorch route (two chunked sweeps around ipo's
                      objective code: what CUDA runs for lists, sft, aot, ld_alpha), not run
                      by default
  ipo_fused_linear_budget_<N>MiB
                      the same with memory_budget_bytes = N MiB of fp32 chunk logits (not run by
                      default; e.g. --variants ipo_fused_linear_budget_1024MiB): the time and
                      memory of chunk sizes
  liger_fused_linear  Liger-Kernel's LigerFusedLinearDPOLoss (CUDA only; when installed; its 0.8.5
                      module takes no precomputed reference, so this variant runs with a zero one)

Peak memory is what the step adds over its inputs: on CUDA torch.cuda.max_memory_allocated(); on
the CPU the process's peak resident set (getrusage) minus its resident set before the step, each
variant in a fresh process so that no allocator cache carries over. Times are the median of
--repeats steps after one warm-up. Errors are against the same step in float64 (PyTorch eager):
the loss relative, the gradients as max |difference| over max |reference|.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

import torch
import torch.nn.functional as F

BETA = 0.1
VARIANTS = [
    "eager_logits",
    "trl_chunked",
    "ipo_logits",
    "ipo_logits_inplace",
    "ipo_fused_linear",
    "liger_fused_linear",
]


class Skip(Exception):
    """A variant that cannot run here; the message says why."""


def make_problem(a, dtype, device):
    """hidden [2P x T x H], weight [V x H], causal-LM labels with the first T - scored - 1 masked."""
    # Drawn on the device itself (seconds saved per variant at H = 4096, V = 128256).
    g = torch.Generator(device=device).manual_seed(7)
    sequences = 2 * a.pairs
    hidden = torch.randn(sequences, a.length, a.hidden, generator=g, device=device) / a.hidden**0.25
    weight = torch.randn(a.vocab, a.hidden, generator=g, device=device) / a.hidden**0.25
    labels = torch.randint(0, a.vocab, (sequences, a.length), generator=g, device=device)
    labels[:, : a.length - a.scored] = -100  # after the shift, `scored` positions per sequence
    ref = -torch.rand(sequences, generator=g, device=device) * 10 - a.scored * 5
    return hidden.to(device, dtype), weight.to(device, dtype), labels.to(device), ref.to(device)


def dpo_from_logps(logps, ref, pairs):
    """TRL's sigmoid loss from per-sequence summed log-probabilities (concatenated layout)."""
    c = logps[:pairs] - ref[:pairs]
    r = logps[pairs:] - ref[pairs:]
    return -F.logsigmoid(BETA * (c - r)).mean()


def eager_step(hidden, weight, labels, ref, pairs):
    logits = hidden[:, :-1] @ weight.T
    target = labels[:, 1:]
    mask = target != -100
    per_token = torch.log_softmax(logits.float(), -1).gather(-1, target.clamp(min=0).unsqueeze(-1)).squeeze(-1)
    return dpo_from_logps((per_token * mask).sum(-1), ref, pairs)


def trl_chunked_logprob():
    """TRL's ChunkedLogProbFunction, with its backward able to run where trl.trainer.utils
    cannot import (see allow_backward_without_trainer_utils)."""
    try:
        from trl.kernels import ChunkedLogProbFunction
    except ImportError as e:
        raise Skip(f"trl.kernels.ChunkedLogProbFunction not importable ({e})") from None
    allow_backward_without_trainer_utils()
    return ChunkedLogProbFunction


def allow_backward_without_trainer_utils():
    """The kernel's backward imports trl.trainer.utils for maybe_gather_lm_head_ctx, and that
    module imports datasets and pandas. Where they are missing, the harness registers a module
    with that one function as TRL defines it outside DeepSpeed ZeRO-3 (a null context)."""
    import contextlib
    import types

    try:
        import trl.trainer.utils  # noqa: F401
    except ImportError as e:
        import trl.trainer  # noqa: F401  (lazy: imports nothing of its own)

        stand_in = types.ModuleType("trl.trainer.utils")
        stand_in.maybe_gather_lm_head_ctx = lambda *params: contextlib.nullcontext()
        sys.modules["trl.trainer.utils"] = stand_in
        print(f"  (trl.trainer.utils not importable: {e}; its ZeRO-3 gather is a null context here)", file=sys.stderr)


def trl_chunked_step(hidden, weight, labels, ref, pairs):
    ChunkedLogProbFunction = trl_chunked_logprob()
    h = hidden[:, :-1]
    target = labels[:, 1:]
    mask = target != -100
    per_token, *_ = ChunkedLogProbFunction.apply(h[mask], weight, None, target[mask], 1.0, 32768, None, 1.0, ())
    full = per_token.new_zeros(mask.shape).masked_scatter(mask, per_token)
    return dpo_from_logps(full.sum(-1), ref, pairs)


def ipo_logits_step(inplace):
    def step(hidden, weight, labels, ref, pairs):
        import ipo.torch as it

        loss, _ = it.preference_loss(hidden @ weight.T, labels, ref, beta=BETA, inplace=inplace)
        return loss

    return step


def ipo_fused_linear_step(hidden, weight, labels, ref, pairs):
    import ipo.torch as it

    loss, _ = it.fused_linear_preference_loss(hidden, weight, labels, ref, beta=BETA)
    return loss


def ipo_fused_linear_pytorch_step(hidden, weight, labels, ref, pairs):
    import ipo.torch as it

    # The route taken on CUDA for what the kernels do not take (lists, sft, aot, ld_alpha) or
    # without the CUDA variant, here for the same sigmoid loss as the other variants.
    it._device_route = lambda tensor, options: "pytorch"
    loss, _ = it.fused_linear_preference_loss(hidden, weight, labels, ref, beta=BETA)
    return loss


def ipo_fused_linear_budget_step(mib):
    def step(hidden, weight, labels, ref, pairs):
        import ipo.torch as it

        loss, _ = it.fused_linear_preference_loss(hidden, weight, labels, ref, beta=BETA, memory_budget_bytes=mib << 20)
        return loss

    return step


def liger_step(hidden, weight, labels, ref, pairs):
    if hidden.device.type != "cuda":
        raise Skip("Liger-Kernel runs on CUDA only (Triton)")
    try:
        from liger_kernel.chunked_loss import LigerFusedLinearDPOLoss
    except ImportError as e:
        raise Skip(f"liger_kernel not importable ({e})") from None
    # Liger scores labels as given (no shift). Its module (0.8.5) takes no precomputed reference
    # log-probabilities: with use_ref_model=False they are zero, so measure() gives this variant
    # a zero reference and checks it against the fp64 step with the same.
    loss_fn = LigerFusedLinearDPOLoss(beta=BETA, use_ref_model=False, average_log_prob=False)
    h = hidden[:, :-1].contiguous()
    out = loss_fn(weight, h, labels[:, 1:].contiguous())
    return out[0] if isinstance(out, tuple) else out


liger_step.zero_reference = True


STEPS = {
    "eager_logits": eager_step,
    "trl_chunked": trl_chunked_step,
    "ipo_logits": ipo_logits_step(False),
    "ipo_logits_inplace": ipo_logits_step(True),
    "ipo_fused_linear": ipo_fused_linear_step,
    "ipo_fused_linear_pytorch": ipo_fused_linear_pytorch_step,
    "liger_fused_linear": liger_step,
}


def budget_mib(name: str) -> int | None:
    """N of a variant named ipo_fused_linear_budget_<N>MiB, else None."""
    prefix, suffix = "ipo_fused_linear_budget_", "MiB"
    digits = name[len(prefix) : -len(suffix)] if name.startswith(prefix) and name.endswith(suffix) else ""
    return int(digits) if digits.isdigit() and int(digits) > 0 else None


def step_of(name: str):
    return STEPS[name] if name in STEPS else ipo_fused_linear_budget_step(budget_mib(name))


def run_step(step, hidden, weight, labels, ref, pairs):
    h = hidden.detach().requires_grad_(True)
    w = weight.detach().requires_grad_(True)
    loss = step(h, w, labels, ref, pairs)
    loss.backward()
    return loss.detach(), h.grad, w.grad


def resident_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def import_all():
    """Every variant's modules, imported before any measurement so that no peak counts an import."""
    import importlib

    for module in ("ipo.torch", "trl.kernels", "liger_kernel.chunked_loss"):
        try:
            importlib.import_module(module)
        except ImportError:
            pass


def measure(name, a):
    """One variant in this process: peak memory of its first step, median time, errors."""
    import_all()
    device = torch.device(a.device)
    dtype = getattr(torch, a.dtype)
    hidden, weight, labels, ref = make_problem(a, dtype, device)
    step = step_of(name)
    if getattr(step, "zero_reference", False):
        ref = torch.zeros_like(ref)
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    if device.type == "cuda":
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
        before = torch.cuda.memory_allocated()
        loss, dh, dw = run_step(step, hidden, weight, labels, ref, a.pairs)
        torch.cuda.synchronize()
        peak = torch.cuda.max_memory_allocated() - before
    else:
        before = resident_bytes()
        loss, dh, dw = run_step(step, hidden, weight, labels, ref, a.pairs)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - before
    del dh, dw
    times = []
    for _ in range(a.repeats):
        sync()
        start = time.perf_counter()
        loss, dh, dw = run_step(step, hidden, weight, labels, ref, a.pairs)
        sync()
        times.append((time.perf_counter() - start) * 1e3)
    want, want_dh, want_dw = run_step(
        eager_step, hidden.double(), weight.double(), labels, ref.double(), a.pairs
    )  # fp64 reference last, so it does not count in the peak
    err = {
        "loss": abs(loss.double().item() - want.item()) / abs(want.item()),
        "d_hidden": ((dh.double() - want_dh).abs().max() / want_dh.abs().max()).item(),
        "d_weight": ((dw.double() - want_dw).abs().max() / want_dw.abs().max()).item(),
    }
    return {"variant": name, "ms": statistics.median(times), "peak_bytes": max(peak, 0), "error": err}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    p.add_argument("--dtype", default="float32", choices=["float32", "bfloat16", "float16"])
    p.add_argument("--pairs", type=int, default=2)
    p.add_argument("--length", type=int, default=512, help="positions per sequence")
    p.add_argument("--scored", type=int, default=256, help="scored positions per sequence")
    p.add_argument("--hidden", type=int, default=256)
    p.add_argument("--vocab", type=int, default=32000)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--variants", default=",".join(VARIANTS))
    p.add_argument("--json", help="also write the rows to this file")
    p.add_argument("--child", help=argparse.SUPPRESS)
    a = p.parse_args()
    if not 0 < a.scored < a.length:
        p.error(f"--scored = {a.scored}: expected a value in [1, --length = {a.length})")
    if a.child:
        try:
            print(json.dumps(measure(a.child, a)))
        except Skip as e:
            print(json.dumps({"variant": a.child, "skipped": str(e)}))
        return
    names = a.variants.split(",")
    for n in names:
        if n not in STEPS and budget_mib(n) is None:
            p.error(f"--variants: unknown variant {n!r}; expected some of {','.join(VARIANTS)}")
    rows = []
    forwarded = [f"--{k}={getattr(a, k)}" for k in ("device", "dtype", "pairs", "length", "scored", "hidden", "vocab")]
    for n in names:  # a fresh process per variant: no allocator cache or peak carries over
        out = subprocess.run(
            [sys.executable, __file__, *forwarded, f"--repeats={a.repeats}", f"--child={n}"],
            capture_output=True,
            text=True,
        )
        if out.returncode != 0:
            print(f"variant {n} failed:\n{out.stderr}", file=sys.stderr)
            rows.append({"variant": n, "skipped": "failed: " + out.stderr.strip().splitlines()[-1]})
        else:
            rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(json.dumps(rows[-1]), file=sys.stderr, flush=True)  # kept if a time limit cuts the run
    logits_bytes = 2 * a.pairs * (a.length - 1) * a.vocab * torch.finfo(getattr(torch, a.dtype)).bits // 8
    print(
        f"device {a.device} ({torch.cuda.get_device_name() if a.device == 'cuda' else os.cpu_count()} "
        f"{'' if a.device == 'cuda' else 'CPUs'}), {a.dtype}, {a.pairs} pairs x 2 x {a.length} positions, "
        f"{a.scored} scored, H={a.hidden}, V={a.vocab}; logits of the batch: {logits_bytes / 2**20:.0f} MiB"
    )
    base = next((r for r in rows if r["variant"] == "eager_logits" and "ms" in r), None)
    print("| variant | ms | vs eager | peak MiB | vs eager | loss err | d_hidden err | d_weight err |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        if "skipped" in r:
            print(f"| {r['variant']} | skipped: {r['skipped']} | | | | | | |")
            continue
        e = r["error"]
        speed = f"{base['ms'] / r['ms']:.2f}x" if base else "-"
        memory = f"{r['peak_bytes'] / base['peak_bytes']:.2f}x" if base and base["peak_bytes"] else "-"
        print(
            f"| {r['variant']} | {r['ms']:.1f} | {speed} | {r['peak_bytes'] / 2**20:.0f} | {memory} | "
            f"{e['loss']:.1e} | {e['d_hidden']:.1e} | {e['d_weight']:.1e} |"
        )
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"arguments": vars(a), "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
