"""ipo from Python, end to end: preference pairs by corrective intervention, then a few steps of
TRL's DPO with ipo's fused loss.

    python python/examples/quickstart.py [OUT_DIR]

Self-contained and offline: the traces are the repository's bundled ones, and the model is a tiny
random Llama with a tokenizer trained here. In real use, `model` and `tokenizer` come from
`from_pretrained(...)` and `generate` calls your serving stack (vLLM, transformers, ...).
"""

from __future__ import annotations

import copy
import json
import pathlib
import sys
import tempfile

import torch
from datasets import Dataset
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast
from trl import DPOConfig

import ipo
from ipo.trl import IPOTrainer

DATA = pathlib.Path(__file__).resolve().parents[2] / "examples" / "data"
out_dir = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp())
out_dir.mkdir(parents=True, exist_ok=True)
with open(DATA / "traces.jsonl", encoding="utf-8") as f:
    # {"id", "prompt" (or "question"), "response": "<think>...</think>..."}, one per line
    traces = [json.loads(line) for line in f]
prompts = {t["id"]: t.get("prompt", t.get("question")) for t in traces}

# A tokenizer and a model (stand-ins for AutoTokenizer / AutoModelForCausalLM.from_pretrained).
bpe = Tokenizer(models.BPE())
bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
bpe.decoder = decoders.ByteLevel()
bpe.train_from_iterator(
    [prompts[t["id"]] + "\n" + t["response"] for t in traces],
    trainers.BpeTrainer(
        vocab_size=600, special_tokens=["<eos>", "<pad>"], initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
    ),
)
tokenizer = PreTrainedTokenizerFast(tokenizer_object=bpe, eos_token="<eos>", pad_token="<pad>")
torch.manual_seed(0)
config = LlamaConfig(
    vocab_size=len(tokenizer),
    hidden_size=32,
    intermediate_size=64,
    num_hidden_layers=2,
    num_attention_heads=4,
    num_key_value_heads=2,
    pad_token_id=tokenizer.pad_token_id,
    eos_token_id=tokenizer.eos_token_id,
)
model = LlamaForCausalLM(config)


def render(prompt: str) -> str:
    """The chat template's text up to the reasoning (here a plain one)."""
    return prompt + "\n<think>\n"


# 1. Data: find each trace's first compliance step, substitute a safety trigger, let the model
#    continue, keep the continuations that no longer comply (Algorithm 1 of the paper).
def generate(batch: list[tuple[str, str]]) -> list[str]:
    continuations = []
    for prompt, prefix in batch:
        ids = tokenizer(render(prompt) + prefix, return_tensors="pt").input_ids
        with torch.no_grad():
            out = model.generate(ids, max_new_tokens=24, do_sample=False, pad_token_id=tokenizer.pad_token_id)
        continuations.append(tokenizer.decode(out[0, ids.shape[1] :], skip_special_tokens=True))
    return continuations


rows = [{"id": t["id"], "prompt": prompts[t["id"]], "completion": t["response"]} for t in traces[:6]]
result = ipo.build_pairs(rows, generate, detector=ipo.Detector(), triggers=ipo.default_triggers()[:2])
records = [ipo.to_dpo_record(p, render(prompts[p["trace_id"]])) for p in result["pairs"]]
with open(out_dir / "pairs.jsonl", "w", encoding="utf-8") as f:
    for r in records:
        f.write(json.dumps(r) + "\n")
print(f"{result['traces_with_cue']} of {result['traces']} traces comply at some step; {len(records)} pairs")

# 2. Training: TRL's DPOTrainer, its loss step through ipo's fused kernels.
args = DPOConfig(
    output_dir=str(out_dir / "run"),
    per_device_train_batch_size=4,
    max_steps=3,
    learning_rate=5e-3,
    beta=0.1,
    loss_type=["sigmoid", "sft"],  # RPO, as TRL computes it
    loss_weights=[1.0, 0.2],
    use_cpu=True,
    bf16=False,
    logging_steps=1,
    report_to=[],
    save_strategy="no",
)
trainer = IPOTrainer(
    model=model,
    ref_model=copy.deepcopy(model),  # TRL would load one from model's hub path; this model has none
    args=args,
    train_dataset=Dataset.from_list(records),
    processing_class=tokenizer,
)
trainer.train()
losses = [entry["loss"] for entry in trainer.state.log_history if "loss" in entry]
print("losses:", " ".join(f"{x:.4f}" for x in losses))
