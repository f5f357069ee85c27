"""ipo: Intervened Preference Optimization for reasoning models.

The text side works without PyTorch:

- :func:`split_trace`, :func:`segment`, :func:`segment_batch`: reasoning, response, steps.
- :class:`Lexicon`, :class:`Detector`: the first compliance step of a trace (word-class
  patterns by default, or a cue lexicon), one trace or a batch (GIL released).
- :func:`make_intervention`, :func:`build_pairs`: the paper's Algorithm 1 around any
  ``generate(list[(prompt, prefix)]) -> list[str]`` callable; pairs follow the seam rule.
- :func:`to_dpo_record`, :func:`pair_labels`: what TRL's DPOTrainer reads, and Hugging Face
  labels from a tokenizer's offsets.

Runtime (while a model decodes): :class:`Monitor` follows the reasoning fed in pieces and
reports its steps and first compliance step exactly as the batch path would; :func:`guard` rolls
back and substitutes a safety trigger during decoding around any ``start(text)`` / ``next()``
generator; ``ipo.transformers`` does the same inside ``model.generate``.

``ipo.torch`` holds the PyTorch ops (``preference_loss``, ``fused_linear_preference_loss``);
``ipo.trl`` the TRL integration (``IPOTrainer``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

try:
    from . import _ipo
except ImportError as error:
    # The CUDA variant links cuBLAS by its soname; where the loader's path lacks it, PyTorch's
    # CUDA build (which the variant's ops need anyway) loads the same library, and a second
    # try finds it already loaded.
    if "libcublas" not in str(error):
        raise
    import torch  # noqa: F401

    from . import _ipo
from ._ipo import Detector, Lexicon, Monitor

__version__ = _ipo.__version__

__all__ = [
    "Detector",
    "Lexicon",
    "Monitor",
    "__version__",
    "build_pairs",
    "default_triggers",
    "guard",
    "make_intervention",
    "pair_labels",
    "segment",
    "segment_batch",
    "simd_paths",
    "loss_kernel_path",
    "matcher_path",
    "split_trace",
    "to_dpo_record",
]


def split_trace(completion: str, offsets: str = "char") -> dict:
    """Split a completion at ``<think>`` ... ``</think>``.

    Returns ``reasoning``, ``response``, ``preamble`` (texts), ``reasoning_span`` and
    ``response_span`` (``(begin, end)`` in characters, or bytes with ``offsets="byte"``),
    ``has_open_tag``, ``has_close_tag``, ``truncated``.
    """
    return _ipo.split_trace(completion, offsets)


def segment(text: str, mode: str = "sentence", offsets: str = "char") -> list[tuple[int, int]]:
    """The steps of a reasoning text as ``(begin, end)`` offsets.

    ``mode`` is ``"sentence"`` (the paper's unit), ``"paragraph"`` or ``"markers"`` (sentences,
    plus a split before "Wait", "Hmm", ...). ``offsets`` is ``"char"`` (Python string indices)
    or ``"byte"`` (UTF-8).
    """
    return _ipo.segment(text, mode, offsets)


def segment_batch(texts: Sequence[str], mode: str = "sentence", offsets: str = "char") -> list:
    """:func:`segment` over a list, with the GIL released (for ``datasets.map(batched=True)``)."""
    return _ipo.segment_batch(list(texts), mode, offsets)


def default_triggers() -> list[str]:
    """The built-in safety-trigger sentences substituted for the first compliance step."""
    return _ipo.default_triggers()


def simd_paths() -> list[str]:
    """The SIMD paths the extension can choose on this CPU, best first."""
    return _ipo.simd_paths()


def loss_kernel_path() -> str:
    """The path the CPU loss kernels of ``ipo.torch`` take on this CPU: a compiled-in one
    (``"avx512bw"``, ``"fma3+avx2"``, ``"sse2"``, ...), or in a portable build on x86-64 Linux
    one of ipo::dispatch's row kernels, ``"avx512bw+bf16 (ipo::dispatch)"`` and the like."""
    return _ipo.loss_kernel_path()


def matcher_path() -> str:
    """The path the phrase matcher takes on this CPU: ``"avx512bw+vbmi2"``, ``"fma3+avx2"``,
    ``"sse2"``, ``"scalar (aho-corasick)"``, ... In a portable build (``IPO_PYTHON_NATIVE=OFF``)
    on x86-64 Linux it can be wider than ``simd_paths()``: a scan of the compiled ipo::dispatch."""
    return _ipo.matcher_path()


def make_intervention(
    reasoning: str,
    h: int,
    trigger: str,
    strategy: str = "substitute",
    trigger_id: int = 0,
    seed: int = 0,
    trace_id: str | None = None,
) -> dict:
    """The prefix to continue from when sentence ``h`` is replaced by ``trigger``.

    Returns ``prefix`` (the reasoning before sentence ``h``, byte for byte, then the white
    space that preceded it and the trigger), ``kept_bytes`` / ``kept_chars`` (where the shared
    part ends), ``step``, ``trigger_id``, ``strategy``. ``seed`` (mixed with ``trace_id``) feeds
    the ``harmful_prefix`` strategy.
    """
    return _ipo.make_intervention(reasoning, h, trigger, strategy, trigger_id, seed, trace_id)


def build_pairs(
    traces: Iterable[dict],
    generate: Callable[[list[tuple[str, str]]], Sequence[str]],
    detector: Detector | None = None,
    triggers: Sequence[str] | None = None,
    rounds: int = 1,
    selection: str = "all",
    seed: int = 0,
    strategy: str = "substitute",
    include_response: bool = False,
) -> dict:
    """Algorithm 1 of the paper: preference pairs from traces and a generator.

    ``traces`` are dicts with ``id``, ``prompt`` and either ``completion`` (split at
    ``</think>``) or ``reasoning`` (and optionally ``response``). For every trace with a
    compliance step and every selected trigger, ``generate`` is called (batched, one call per
    round) with ``[(prompt, prefix), ...]`` and returns one continuation per item; a
    continuation without a compliance cue gives a pair, one that still complies gets a later
    substitution, up to ``rounds`` (the paper uses 1). Returns ``pairs`` (dicts with
    ``trace_id``, ``prompt``, ``shared_prefix``, ``chosen``, ``rejected``, ``step``,
    ``trigger_id``, ``round``, ``strategy``), ``rounds`` (per-round counts), ``traces`` and
    ``traces_with_cue``.
    """
    rows = []
    for t in traces:
        if "reasoning" in t:
            reasoning, response = t["reasoning"], t.get("response", "")
        else:
            parts = split_trace(t["completion"])
            reasoning, response = parts["reasoning"], parts["response"]
        rows.append((str(t["id"]), t["prompt"], reasoning, response))

    def call(batch):
        out = list(generate(batch))
        if len(out) != len(batch):
            raise ValueError(f"generate returned {len(out)} continuations for {len(batch)} prefixes")
        return [str(x) for x in out]

    return _ipo.build_pairs(
        rows,
        call,
        detector,
        None if triggers is None else list(triggers),
        rounds,
        selection,
        seed,
        strategy,
        include_response,
    )


def to_dpo_record(pair: dict, rendered_prompt: str) -> dict:
    """``{prompt, chosen, rejected}`` for TRL from a pair and its rendered prompt.

    ``prompt`` is the rendered prompt followed by the shared prefix, and never ends in white
    space: the white space at the divergence starts both completions (the seam rule), so the
    prompt's tokens are a prefix of the prompt+completion tokens.
    """
    return _ipo.to_dpo_record(pair["shared_prefix"], pair["chosen"], pair["rejected"], rendered_prompt)


def pair_labels(
    token_ids: Sequence[int],
    offsets: Sequence[tuple[int, int]],
    text: str,
    divergence: int,
    scored_end: int | None = None,
    ignore_index: int = -100,
) -> list[int]:
    """Hugging Face labels for one tokenized side of a pair.

    ``offsets`` are the tokenizer's character offsets into ``text``; ``divergence`` is the
    character offset where the two sides diverge. Tokens that end after it keep their id (a
    token straddling it is scored); the others get ``ignore_index``. Tokens that begin at or
    after ``scored_end`` are not scored either.
    """
    return _ipo.pair_labels(list(token_ids), [tuple(o) for o in offsets], text, divergence, scored_end, ignore_index)


def guard(
    generator,
    prompt: str,
    monitor: Monitor | None = None,
    triggers: Sequence[str] | None = None,
    max_interventions: int = 2,
    selection: str = "round-robin",
    seed: int = 0,
) -> dict:
    """Guarded decoding: ``generator`` has ``start(text)`` (begin a continuation of ``text``, the
    prompt and the completion so far) and ``next()`` (the next piece as ``str`` or ``bytes``, or
    None at the end). At the first compliance step the completion is rolled back to the start of
    that step, a trigger is put in its place and the generator restarts; up to
    ``max_interventions`` times. Returns ``completion``, ``interventions`` (``step``, ``offset``
    in bytes, ``removed``, ``trigger_id``), ``reasoning_ended`` and ``first_compliance``.
    """
    return _ipo.guard(
        generator,
        prompt,
        monitor if monitor is not None else Monitor(),
        None if triggers is None else list(triggers),
        max_interventions,
        selection,
        seed,
    )
