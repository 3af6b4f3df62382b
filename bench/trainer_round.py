"""One real trainer round on the full model: capture what the bot gets wrong, label, export, train, evaluate.

    nice .venv/bin/python -m bench.trainer_round            # ~10 min on 2 idle cores, 46 min under load

1. Parses `bench/trainer_round_messages.yml` (citizen messages written for this, none in the held-out split)
   with the running model (`models/seva.tar.gz`) and keeps those it gets wrong: what the inbox would hold.
2. Puts them in a throw-away inbox as captured messages (redacted, styled), labels each with its intended
   intent through the trainer room's own service, and exports them with the room's exporter into a copy of
   data/nlu, checked by `rasa data validate`.
3. Runs the room's train-and-evaluate round (bot/model_round.py: `rasa train`, then both models on
   tests/nlu/heldout.yml) and prints the before/after table, the verdict and the time each step took.
Writes bench/results/trainer_round.json. The repository's data/nlu is not changed; models/ gains only the running
model's held-out evaluation, cached beside it (models/seva.tar.gz.heldout.json).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
MESSAGES = ROOT / "bench" / "trainer_round_messages.yml"
RESULT = ROOT / "bench" / "results" / "trainer_round.json"


def misunderstood(model: Path, work: Path) -> list[dict]:
    """The benchmark messages the model gets the intent of wrong, with what it said instead."""
    report = work / "parse.json"
    subprocess.run(
        [str(ROOT / ".venv-rasa" / "bin" / "python"), "-m", "bench.nlu_accuracy", "--model", str(model),
         "--heldout", str(MESSAGES), "--json", str(report)],
        cwd=ROOT, check=False, capture_output=True,
    )  # fmt: skip
    misses = json.loads(report.read_text(encoding="utf-8"))["misses"]
    return [m for m in misses if m["got"][0] != m["expected"][0]]


def main() -> int:
    """Run the round and print the tables."""
    from flask_migrate import upgrade

    from backoffice.app import create_app
    from backoffice.audit.services import Actor
    from backoffice.config import Config
    from backoffice.extensions import db
    from backoffice.people.models import User
    from backoffice.trainer import export, inbox, rasa_cli, rounds
    from backoffice.trainer.models import InboxItem, ModelRound
    from trainer_capture.redaction import redact
    from trainer_capture.style import language_style

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        nlu = work / "nlu"
        shutil.copytree(ROOT / "data" / "nlu", nlu)
        app = create_app(
            Config(
                environ={
                    "DATABASE_URL": f"sqlite:///{work / 'bench.db'}",
                    "SEVA_HOME": str(ROOT),
                    "TRAINER_NLU_DIR": str(nlu),
                    "TRAINER_TRAINING_DATA": f"{nlu} {ROOT / 'data' / 'rules'}",
                    "TRAINER_MODELS_DIR": str(work / "models"),
                }
            )  # fmt: skip
        )
        timings: dict[str, float] = {}
        with app.app_context():
            upgrade()
            started = time.monotonic()
            misses = misunderstood(Path(app.config["TRAINER_BASE_MODEL"]), work)
            timings["find_misunderstood"] = time.monotonic() - started
            trainer = User(username="bench", full_name="Bench Trainer", role="nlu_trainer", password_hash="-")
            db.session.add(trainer)
            db.session.flush()
            actor = Actor("nlu_trainer", "bench", trainer.id)
            for miss in misses:
                item = InboxItem(reason="fallback" if miss["got"][0] == "nlu_fallback" else "correction",
                                 text=redact(miss["text"]), conversation="bench", said_at=datetime.now(UTC).replace(tzinfo=None),
                                 intent=miss["got"][0], confidence=miss["confidence"], alternatives=[],
                                 style=language_style(miss["text"]), final_entities=[])  # fmt: skip
                db.session.add(item)
                db.session.flush()
                inbox.label([item.id], trainer, "intent", miss["expected"][0], None, actor)
            db.session.commit()

            started = time.monotonic()
            examples = export.export()
            timings["export_and_validate"] = time.monotonic() - started
            round_ = ModelRound(kind="train", started_by=trainer.id)
            db.session.add(round_)
            db.session.commit()
            rounds.run_training(round_.id)
            db.session.refresh(round_)
            if round_.status != "evaluated":
                print(rasa_cli.validator_message(round_.message or ""), file=sys.stderr)
                return 1
            report = round_.report
            timings.update({f"round_{k}": v for k, v in report["seconds"].items()})
            timings["round_total"] = round_.seconds

    result = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "messages": len(yaml.safe_load(MESSAGES.read_text(encoding="utf-8"))["messages"]),
        "misunderstood_and_labelled": len(misses),
        "examples_exported": examples,
        "before": report["before"],
        "after": report["after"],
        "verdict": report["verdict"],
        "seconds": {k: round(v, 1) for k, v in timings.items()},
    }
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(markdown(result))
    return 0


def markdown(result: dict) -> str:
    """The before/after table of the round, and its timings."""
    before, after = result["before"], result["after"]
    lines = [
        f"{result['misunderstood_and_labelled']} of {result['messages']} benchmark messages misunderstood, "
        f"{result['examples_exported']} exported; verdict: {'promotable' if result['verdict']['promotable'] else 'not promotable'}",
        "",
        "| held-out | before | after |",
        "|---|---|---|",
        f"| intent accuracy ({after['n']} messages) | {100 * before['accuracy']:.1f} % | {100 * after['accuracy']:.1f} % |",
    ]
    for intent, old in before["per_intent"].items():
        new = after["per_intent"].get(intent, {"f1": 0.0})
        if abs(new["f1"] - old["f1"]) > 1e-9 or old["f1"] < 1:
            lines.append(
                f"| F1 {intent} ({old['support']}) | {100 * old['f1']:.1f} | {100 * new['f1']:.1f} |"
            )
    lines += ["", "| step | seconds |", "|---|---|"] + [
        f"| {k} | {v} |" for k, v in result["seconds"].items()
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
