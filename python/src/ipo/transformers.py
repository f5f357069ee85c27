"""Corrective intervention while a ``transformers`` model decodes.

- :class:`ComplianceStoppingCriteria`: a ``StoppingCriteria`` that feeds each newly generated
  token's text to an :class:`ipo.Monitor` and stops ``model.generate`` when the reasoning's first
  compliance step completes, so the caller can roll back and re-prompt.
- :func:`guarded_generate`: that loop done for you: generate, stop at a compliance step, replace
  the step by a safety trigger (the substitution of the training side), generate again from
  there; at most ``max_interventions`` times.

Batch size 1: a monitor follows one stream.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from transformers import StoppingCriteria

from . import Monitor, default_triggers

__all__ = ["ComplianceStoppingCriteria", "guarded_generate"]


class ComplianceStoppingCriteria(StoppingCriteria):
    """Stops generation when ``monitor`` reports a first compliance step.

    ``prompt_length`` is the number of prompt tokens in ``input_ids`` (they are not fed). The new
    tokens' text is decoded incrementally and exactly: the tokens since the last flush are decoded
    together with the token before them (so a tokenizer that drops a word's leading space at the
    start of a decode does not drop it here), text that may still change (a trailing U+FFFD of a
    UTF-8 sequence split between tokens) waits, and everything fed is kept in ``text``, which
    equals the decoding of all the new tokens.
    """

    def __init__(
        self,
        tokenizer,
        monitor: Monitor,
        prompt_length: int,
        skip_special_tokens: bool = True,
        stop_at_compliance: bool = True,
    ):
        self.tokenizer = tokenizer
        self.stop_at_compliance = stop_at_compliance
        self.monitor = monitor
        self.prompt_length = prompt_length
        self.skip_special_tokens = skip_special_tokens
        self.events: list[dict] = []
        self.stopped = False
        self.text = ""  # all text fed to the monitor
        self._tokens: list[int] = []  # the new tokens so far
        self._anchor = 0  # first token of the window being decoded
        self._window_fed = 0  # characters of the window's text already fed

    def _decode(self, tokens: list[int]) -> str:
        return self.tokenizer.decode(tokens, skip_special_tokens=self.skip_special_tokens)

    def _window_text(self) -> str:
        if self._anchor == 0:
            return self._decode(self._tokens)
        before = self._tokens[self._anchor - 1 : self._anchor]
        return self._decode(before + self._tokens[self._anchor :])[len(self._decode(before)) :]

    def flush(self, final: bool = False) -> None:
        """Feeds what the window holds that can no longer change (everything when ``final``)."""
        text = self._window_text()
        if text.endswith("\ufffd") and not final:
            return
        piece = text[self._window_fed :]
        self._window_fed = len(text)
        if text.endswith(("\n", " ")):  # start a new window: keeps the decodes short
            self._anchor = len(self._tokens)
            self._window_fed = 0
        if piece:
            self.text += piece
            events = self.monitor.feed(piece)
            self.events.extend(events)
            self.stopped = self.stopped or any(e["kind"] == "first_compliance" for e in events)

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor, **kwargs) -> torch.BoolTensor:
        if input_ids.shape[0] != 1:
            raise ValueError(f"ComplianceStoppingCriteria follows one stream: batch size {input_ids.shape[0]}, not 1")
        new = input_ids.shape[1] - self.prompt_length
        if new > len(self._tokens):
            self._tokens.extend(int(t) for t in input_ids[0, self.prompt_length + len(self._tokens) :])
            self.flush()
        stop = self.stopped and self.stop_at_compliance
        return torch.full((1,), stop, dtype=torch.bool, device=input_ids.device)


def guarded_generate(
    model,
    tokenizer,
    prompt: str,
    *,
    triggers: Sequence[str] | None = None,
    max_interventions: int = 2,
    monitor: Monitor | None = None,
    **generate_kwargs,
) -> dict:
    """Generates a continuation of ``prompt`` with corrective intervention.

    ``prompt`` is the rendered prompt up to where the model starts writing (for R1-style templates,
    after ``<think>``). Each time the monitor reports a first compliance step, the completion is cut
    at the start of that step, trigger k (round robin over ``triggers``, default
    :func:`ipo.default_triggers`) is put in its place, and generation continues from prompt +
    completion. Returns ``completion``, ``interventions`` (``step``, ``offset`` in bytes of the
    completion, ``removed``, ``trigger_id``) and ``first_compliance`` (of the final reasoning).
    ``generate_kwargs`` go to ``model.generate`` (``max_new_tokens`` per attempt, ``do_sample``...).
    """
    bank = list(triggers) if triggers is not None else default_triggers()
    if not bank:
        raise ValueError("triggers: at least one trigger sentence")
    monitor = monitor if monitor is not None else Monitor()
    monitor.reset()
    completion = b""  # what follows the prompt, as the monitor's stream (bytes)
    interventions = []
    while True:
        ids = tokenizer(prompt + completion.decode("utf-8"), return_tensors="pt").input_ids.to(model.device)
        # Out of interventions: the monitor still follows, but the stream runs to its end.
        intervening = len(interventions) < max_interventions
        criteria = ComplianceStoppingCriteria(tokenizer, monitor, ids.shape[1], stop_at_compliance=intervening)
        with torch.no_grad():
            model.generate(ids, stopping_criteria=[criteria], **generate_kwargs)
        stopped = criteria.stopped and intervening
        if not stopped:
            criteria.flush(final=True)  # a last partial character, if any
        completion += criteria.text.encode("utf-8")
        if not stopped:
            monitor.finish()
            break
        trigger_id = len(interventions) % len(bank)
        cut = monitor.intervene(bank[trigger_id], trigger_id)
        interventions.append(
            {
                "step": cut["step"],
                "offset": cut["offset"],
                "removed": completion[cut["offset"] :].decode("utf-8", errors="replace"),
                "trigger_id": trigger_id,
            }
        )
        start = monitor.reasoning_offset
        prefix = cut["prefix"].encode("utf-8")
        completion = completion[:start] + prefix
        monitor.restart(cut["prefix"], start, len(prefix))
    return {
        "completion": completion.decode("utf-8"),
        "interventions": interventions,
        "first_compliance": monitor.first_compliance,
    }
