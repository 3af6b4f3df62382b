"""Measures intent and service accuracy on the held-out messages, per language group, with a trained NLU model.

Run in .venv-rasa:
    .venv-rasa/bin/python -m bench.nlu_accuracy --model /tmp/models/nlu.tar.gz
    .venv-rasa/bin/python -m bench.nlu_accuracy --train        # trains config.yml + data/nlu first
Exits 1 when intent or service accuracy on all held-out messages is below the bar (95 %).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
HELDOUT = ROOT / "tests" / "nlu" / "heldout.yml"
BAR = 0.95
GROUPS = ("en", "hi", "hinglish")


def train(out_dir: Path) -> Path:
    """Train an NLU-only model from config.yml and data/nlu into `out_dir`; return its path."""
    subprocess.run(
        [sys.executable, "-m", "rasa", "train", "nlu", "--config", str(ROOT / "config.yml"), "--nlu",
         str(ROOT / "data" / "nlu"), "--domain", str(ROOT / "domain.yml"), "--out", str(out_dir),
         "--fixed-model-name", "heldout"],
        check=True,
        cwd=ROOT,
    )  # fmt: skip
    return out_dir / "heldout.tar.gz"


async def parse_all(model: Path, texts: list[str]) -> list[dict[str, Any]]:
    """Parse every text with the model, as the Rasa server would."""
    # Imported late: loading TensorFlow takes seconds.
    from rasa.core.agent import Agent
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)
    agent = Agent.load(str(model))
    return [await agent.parse_message(text) for text in texts]


def service_of(parse: dict[str, Any]) -> str | None:
    """Return the `service` entity's value in a parse result, if any."""
    return next((e["value"] for e in parse.get("entities", []) if e["entity"] == "service"), None)


def score(messages: list[dict[str, Any]], parses: list[dict[str, Any]]) -> dict[str, Any]:
    """Count intent and service hits per language group, and list the misses."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {"n": 0, "intent": 0, "service": 0, "both": 0})
    misses = []
    for message, parse in zip(messages, parses, strict=True):
        intent, service = parse["intent"]["name"], service_of(parse)
        intent_ok, service_ok = intent == message["intent"], service == message["service"]
        for group in (message["lang"], "all"):
            counts[group]["n"] += 1
            counts[group]["intent"] += intent_ok
            counts[group]["service"] += service_ok
            counts[group]["both"] += intent_ok and service_ok
        if not (intent_ok and service_ok):
            misses.append(
                {"lang": message["lang"], "text": message["text"], "expected": [message["intent"], message["service"]],
                 "got": [intent, service], "confidence": round(parse["intent"]["confidence"], 3)}
            )  # fmt: skip
    return {"counts": dict(counts), "misses": misses, "per_intent": per_intent_f1(messages, parses)}


def per_intent_f1(
    messages: list[dict[str, Any]], parses: list[dict[str, Any]]
) -> dict[str, dict[str, float]]:
    """Precision, recall and F1 of each expected intent over the held-out messages (a fallback is a miss)."""
    expected = [m["intent"] for m in messages]
    got = [p["intent"]["name"] for p in parses]
    table = {}
    for intent in sorted(set(expected)):
        hits = sum(e == g == intent for e, g in zip(expected, got, strict=True))
        predicted, support = got.count(intent), expected.count(intent)
        precision = hits / predicted if predicted else 0.0
        recall = hits / support
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        table[intent] = {"support": support, "precision": precision, "recall": recall, "f1": f1}
    return table


def markdown(result: dict[str, Any]) -> str:
    """Render the per-group table and the misses as Markdown."""
    lines = ["| language group | messages | intent | service | both |", "|---|---|---|---|---|"]
    for group in (*GROUPS, "all"):
        c = result["counts"].get(group)
        if c:
            pct = {k: f"{100 * c[k] / c['n']:.1f} %" for k in ("intent", "service", "both")}
            lines.append(f"| {group} | {c['n']} | {pct['intent']} | {pct['service']} | {pct['both']} |")
    lines += ["", "| intent | messages | precision | recall | F1 |", "|---|---|---|---|---|"]
    for intent, row in result["per_intent"].items():
        lines.append(
            f"| {intent} | {row['support']} | {row['precision']:.2f} | {row['recall']:.2f} | {row['f1']:.2f} |"
        )
    if result["misses"]:
        lines += [
            "",
            "| lang | message | expected (intent, service) | got | confidence |",
            "|---|---|---|---|---|",
        ]
        for m in result["misses"]:
            lines.append(
                f"| {m['lang']} | {m['text']} | {m['expected'][0]}, {m['expected'][1]} | "
                f"{m['got'][0]}, {m['got'][1]} | {m['confidence']} |"
            )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """Measure, print the Markdown report, optionally save JSON, and fail below the bar."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--model", type=Path, help="a trained model (.tar.gz)")
    source.add_argument(
        "--train", action="store_true", help="train config.yml + data/nlu into a temporary directory"
    )
    parser.add_argument("--heldout", type=Path, default=HELDOUT)
    parser.add_argument("--json", type=Path, help="also write the result here")
    args = parser.parse_args(argv)

    if args.model and not args.model.is_file():
        parser.error(f"no model at {args.model}")
    messages = yaml.safe_load(args.heldout.read_text(encoding="utf-8"))["messages"]
    with tempfile.TemporaryDirectory() as tmp:
        model = train(Path(tmp)) if args.train else args.model
        parses = asyncio.run(parse_all(model, [m["text"] for m in messages]))
    result = score(messages, parses)
    print(markdown(result))
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    overall = result["counts"]["all"]
    return 0 if min(overall["intent"], overall["service"]) / overall["n"] >= BAR else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
