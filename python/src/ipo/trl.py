"""Training with TRL's DPOTrainer while its loss runs through ipo's fused kernels.

``IPOTrainer`` is a ``trl.DPOTrainer``: same ``DPOConfig``, datasets, collator, reference
handling (a reference model, or ``precompute_ref_log_probs``) and logging. Only the loss step
differs: the backbone's last hidden states and the lm_head weight go to
:func:`ipo.torch.fused_linear_preference_loss`, which forms the logits of the scored positions
chunk by chunk (the shared prompt and prefix, labelled ``-100``, cost nothing: DPO on part, as
the method trains), evaluates TRL's loss types with TRL's semantics, and returns gradients for
the hidden states and the lm_head. With a reference model, its hidden states and lm_head go to
the same chunks (no gradient) on the CPU; on CUDA its log-probabilities are formed first by
:func:`ipo.torch.sequence_logps` (chunked, no gradient).

Supported: every ``loss_type`` of TRL 1.16 (a name or a list with ``loss_weights``, ``sft``
included), ``label_smoothing``, ``discopop_tau``, ``f_divergence_type`` with
``f_alpha_divergence_coef``, ``ld_alpha``. Not supported: ``use_weighting`` (WPO; a clear
error at construction), PEFT prompt learning (virtual tokens), MoE auxiliary losses, and the
metrics that need every logit (entropy, mean logits, token accuracy are not logged).
"""

from __future__ import annotations

import functools
import types

import torch
from trl import DPOTrainer

from .torch import fused_linear_preference_loss, sequence_logps

__all__ = ["IPOTrainer", "add_backbone_forward"]


def add_backbone_forward(model) -> None:
    """Let ``model(..., ipo_backbone=True)`` return the backbone's output (last hidden states)
    instead of logits, so that the loss step runs through the (possibly DDP-wrapped) model's
    own forward. Idempotent."""
    if getattr(model, "_ipo_backbone_forward", False):
        return
    original = model.forward

    @functools.wraps(type(model).forward)
    def forward(self, *args, ipo_backbone=False, **kwargs):
        if not ipo_backbone:
            return original(*args, **kwargs)
        kwargs["use_cache"] = False
        return self.base_model(*args, **kwargs)

    model.forward = types.MethodType(forward, model)
    model._ipo_backbone_forward = True


class IPOTrainer(DPOTrainer):
    """A ``trl.DPOTrainer`` whose loss step runs through ipo (see the module docstring)."""

    def __init__(self, *args, ipo_chunk_rows: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        if self.use_weighting:
            raise NotImplementedError("IPOTrainer: use_weighting (WPO) is not supported by ipo's kernels")
        if self.aux_loss_enabled:
            raise NotImplementedError("IPOTrainer: MoE auxiliary losses are not supported; use DPOTrainer")
        self.ipo_chunk_rows = ipo_chunk_rows
        add_backbone_forward(self.model)
        if self.ref_model is not None:
            add_backbone_forward(self.ref_model)

    def _loss_options(self) -> dict:
        return {
            "loss_type": list(self.loss_types),
            "loss_weights": list(self.loss_weights),
            "beta": self.beta,
            "label_smoothing": self.label_smoothing,
            "discopop_tau": self.args.discopop_tau,
            "f_divergence_type": self.f_divergence_type,
            "f_alpha_divergence_coef": self.f_alpha_divergence_coef,
            "ld_alpha": self.ld_alpha,
        }

    def _compute_loss(self, model, inputs, return_outputs):
        mode = "train" if self.model.training else "eval"
        non_model_keys = {"completion_mask", "ref_chosen_logps", "ref_rejected_logps"}
        model_kwargs = {k: v for k, v in inputs.items() if k not in non_model_keys}
        completion_mask = inputs["completion_mask"]
        labels = inputs["input_ids"].masked_fill(completion_mask == 0, -100)
        hidden = model(**model_kwargs, ipo_backbone=True).last_hidden_state
        lm_head = self.accelerator.unwrap_model(model).get_output_embeddings()
        reference = {}
        if self.precompute_ref_logps:
            reference["ref_logps"] = torch.cat([inputs["ref_chosen_logps"], inputs["ref_rejected_logps"]])
        else:
            if self.ref_model is None:
                raise NotImplementedError(
                    "IPOTrainer needs a reference model or precompute_ref_log_probs=True (PEFT without a "
                    "reference model, where TRL disables the adapter, is not supported yet)"
                )
            with torch.no_grad():
                ref_model = self.ref_model
                ref_hidden = ref_model(**model_kwargs, ipo_backbone=True).last_hidden_state
                ref_head = self.accelerator.unwrap_model(ref_model).get_output_embeddings()
                if hidden.device.type == "cuda":  # the CUDA fused linear takes ref_logps only
                    reference["ref_logps"] = sequence_logps(
                        ref_hidden,
                        ref_head.weight,
                        labels,
                        bias=ref_head.bias,
                        chunk_rows=self.ipo_chunk_rows or 4096,
                        ld_alpha=self.ld_alpha,
                    )
                else:  # the same chunks as the policy's, in the CPU kernels
                    reference["ref_hidden"] = ref_hidden
                    reference["ref_weight"] = ref_head.weight
                    if ref_head.bias is not None:
                        reference["ref_bias"] = ref_head.bias
        loss, metrics = fused_linear_preference_loss(
            hidden,
            lm_head.weight,
            labels,
            bias=lm_head.bias,
            chunk_rows=self.ipo_chunk_rows,
            **reference,
            **self._loss_options(),
        )
        gather = self.accelerator.gather_for_metrics
        chosen_rewards, rejected_rewards = metrics["chosen_rewards"], metrics["rejected_rewards"]
        pairs = chosen_rewards.shape[0]
        logps = metrics["policy_logps"].float()
        self._metrics[mode]["rewards/chosen"].append(gather(chosen_rewards).mean().item())
        self._metrics[mode]["rewards/rejected"].append(gather(rejected_rewards).mean().item())
        self._metrics[mode]["rewards/accuracies"].append(
            gather((chosen_rewards > rejected_rewards).float()).mean().item()
        )
        self._metrics[mode]["rewards/margins"].append(gather(chosen_rewards - rejected_rewards).mean().item())
        self._metrics[mode]["logps/chosen"].append(gather(logps[:pairs]).mean().item())
        self._metrics[mode]["logps/rejected"].append(gather(logps[pairs:]).mean().item())
        if mode == "train":
            self._total_train_tokens += gather(inputs["attention_mask"].sum()).sum().item()
        self._metrics[mode]["num_tokens"] = [self._total_train_tokens]
        loss = loss.to(hidden.dtype)
        if return_outputs:
            with torch.no_grad():
                outputs = model(**model_kwargs)
            return loss, outputs
        return loss
