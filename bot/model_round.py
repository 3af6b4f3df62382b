"""Train a candidate model and score it and the running model on the held-out split (run in .venv-rasa).

    python -m bot.model_round --config config.yml --domain domain.yml --data data/nlu data/rules \
        --heldout tests/nlu/heldout.yml --baseline models/seva.tar.gz --out models/trainer --name round-7 \
        --report report.json

The back-office's worker runs this as a child process (backoffice/trainer/rounds.py). It trains with
`rasa train` (NLU and dialogue: an NLU-only model cannot answer citizens once loaded; Rasa's cache retrains
only what changed), then parses every held-out message with each model. The held-out split is only read
here, never trained on. Exits non-zero, writing no report, when training or loading fails.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import logging
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import yaml


def train(config: Path, domain: Path, data: list[Path], out: Path, name: str) -> Path:
    """Train a full model into `out/<name>.tar.gz`; raises CalledProcessError when Rasa fails."""
    subprocess.run(
        [sys.executable, "-m", "rasa", "train", "--config", str(config), "--domain", str(domain),
         "--data", *map(str, data), "--out", str(out), "--fixed-model-name", name],
        check=True,
    )  # fmt: skip
    return out / f"{name}.tar.gz"


async def parse_all(model: Path, texts: list[str]) -> list[dict[str, Any]]:
    """Parse every text with the model as the Rasa server would."""
    from rasa.core.agent import Agent  # late: TensorFlow takes seconds to import

    agent = Agent.load(str(model))
    return [await agent.parse_message(text) for text in texts]


def evaluate(messages: list[dict[str, Any]], parses: list[dict[str, Any]]) -> dict[str, Any]:
    """Overall intent accuracy, per-intent precision/recall/F1 and the confusions (expected → got, count)."""
    expected = [m["intent"] for m in messages]
    got = [p["intent"]["name"] or "nlu_fallback" for p in parses]
    intents = sorted(set(expected))
    per_intent = {}
    for intent in intents:
        tp = sum(e == g == intent for e, g in zip(expected, got, strict=True))
        predicted = sum(g == intent for g in got)
        support = sum(e == intent for e in expected)
        precision = tp / predicted if predicted else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_intent[intent] = {"precision": precision, "recall": recall, "f1": f1, "support": support}
    confusions = Counter((e, g) for e, g in zip(expected, got, strict=True) if e != g)
    return {
        "n": len(messages),
        "accuracy": sum(e == g for e, g in zip(expected, got, strict=True)) / len(messages),
        "per_intent": per_intent,
        "confusions": [{"expected": e, "got": g, "count": n} for (e, g), n in confusions.most_common()],
    }


def score(model: Path, messages: list[dict[str, Any]], heldout_digest: str) -> dict[str, Any]:
    """The model's evaluation, cached beside the model file for this held-out split."""
    cache = model.with_name(model.name + ".heldout.json")
    if cache.exists():
        cached = json.loads(cache.read_text(encoding="utf-8"))
        if cached.get("heldout") == heldout_digest:
            return cached["evaluation"]
    result = evaluate(messages, asyncio.run(parse_all(model, [m["text"] for m in messages])))
    # A read-only model folder only costs the next round a re-evaluation.
    with contextlib.suppress(OSError):
        cache.write_text(json.dumps({"heldout": heldout_digest, "evaluation": result}), encoding="utf-8")
    return result


def main(argv: list[str]) -> int:
    """Train, evaluate both models, write the report."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--domain", type=Path, required=True)
    parser.add_argument("--data", type=Path, nargs="+", required=True)
    parser.add_argument("--heldout", type=Path, required=True)
    parser.add_argument("--baseline", type=Path, required=True, help="the model the bot runs now")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--report", type=Path, required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)

    raw = args.heldout.read_bytes()
    messages = yaml.safe_load(raw)["messages"]
    digest = hashlib.sha256(raw).hexdigest()
    started = time.monotonic()
    before = score(args.baseline, messages, digest)
    evaluated_before = time.monotonic()
    model = train(args.config, args.domain, args.data, args.out, args.name)
    trained = time.monotonic()
    after = score(model, messages, digest)
    report = {
        "model_file": str(model.resolve()),
        "before": before,
        "after": after,
        "seconds": {
            "evaluate_before": round(evaluated_before - started, 1),
            "train": round(trained - evaluated_before, 1),
            "evaluate_after": round(time.monotonic() - trained, 1),
        },
    }
    args.report.write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
