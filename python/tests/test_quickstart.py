"""The Python quickstart (examples/quickstart.py), run as a user runs it: it writes pairs that
follow the seam rule, and trains three finite steps with IPOTrainer."""

from __future__ import annotations

import json
import math
import pathlib
import subprocess
import sys

import pytest

pytest.importorskip("trl")
EXAMPLE = pathlib.Path(__file__).resolve().parents[1] / "examples" / "quickstart.py"


def test_quickstart_runs_and_its_pairs_follow_the_seam_rule(tmp_path, traces):
    run = subprocess.run([sys.executable, str(EXAMPLE), str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    with open(tmp_path / "pairs.jsonl", encoding="utf-8") as f:
        pairs = [json.loads(line) for line in f]
    assert f"; {len(pairs)} pairs" in run.stdout and pairs
    prompts = {t.get("prompt", t.get("question")) + "\n<think>\n" for t in traces[:6]}
    for p in pairs:
        assert any(p["prompt"].startswith(rendered.rstrip()) for rendered in prompts)
        assert not p["prompt"][-1].isspace()  # the divergence's white space starts both sides
        assert p["chosen"][:1].isspace() and p["rejected"][:1].isspace() and p["chosen"] != p["rejected"]
    losses = [float(x) for x in run.stdout.split("losses:")[1].split()]
    assert len(losses) == 3 and all(math.isfinite(x) for x in losses)
