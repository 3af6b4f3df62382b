"""Export, train and evaluate, promote, roll back: the model rounds a trainer starts from the workbench.

A round trains a candidate beside the running model (never in its place) and scores both on the held-out
split. It may be promoted only when it is not worse overall and no intent's F1 drops by more than 2
points. Promotion loads the file into every configured Rasa instance with `PUT /model` (Rasa swaps the
agent once the new one is loaded, so nobody waits); if one instance refuses, those already moved go back.
"""

from __future__ import annotations

import json
import logging
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from flask import current_app
from sqlalchemy import select

from backoffice.audit import services as audit
from backoffice.audit.services import Actor
from backoffice.core.clock import utcnow
from backoffice.extensions import db
from backoffice.trainer import export as exporting
from backoffice.trainer import rasa_cli
from backoffice.trainer.models import ModelRound

logger = logging.getLogger(__name__)
# An intent may lose at most this much F1 (2 points) in a promotable round.
MAX_INTENT_DROP = 0.02
# Several processes may share one Rasa address (SANIC_WORKERS): how often to check and send again.
STATUS_CHECKS = 12
PUT_ATTEMPTS = 8


class PromotionRefused(Exception):
    """The round cannot be promoted (worse, not evaluated, or a Rasa instance refused the model)."""


def current() -> ModelRound | None:
    """The promoted round the bot runs now, or None when it runs the model it was deployed with."""
    return db.session.scalar(
        select(ModelRound)
        .where(ModelRound.status == "promoted")
        .order_by(ModelRound.promoted_at.desc())
        .limit(1)
    )


def running_model_file() -> str:
    """The model file the Rasa instances run now."""
    round_ = current()
    return round_.model_file if round_ else current_app.config["TRAINER_BASE_MODEL"]


def verdict(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Whether `after` may replace `before`, and which intents dropped by more than 2 points."""
    drops = []
    for intent, old in before["per_intent"].items():
        new = after["per_intent"].get(intent, {"f1": 0.0})
        if new["f1"] < old["f1"] - MAX_INTENT_DROP - 1e-9:
            drops.append({"intent": intent, "before": old["f1"], "after": new["f1"]})
    not_worse = after["accuracy"] >= before["accuracy"] - 1e-9
    return {"promotable": not_worse and not drops, "not_worse_overall": not_worse, "drops": drops}


def run_export(round_id: int) -> None:
    """The export job: validated files into the NLU folder, or the validator's refusal on the round."""
    round_ = db.session.get(ModelRound, round_id)
    round_.status = "running"
    db.session.commit()
    started = time.monotonic()
    try:
        round_.examples = exporting.export()
        round_.status = "exported"
    except exporting.ExportRefused as refused:
        round_.status, round_.message = "failed", str(refused)
    round_.seconds, round_.finished_at = time.monotonic() - started, utcnow()
    db.session.commit()


def run_training(round_id: int) -> None:
    """The train-and-evaluate job; a failure is written on the round and leaves the running model alone."""
    round_ = db.session.get(ModelRound, round_id)
    config = current_app.config
    round_.status, round_.baseline_file = "running", running_model_file()
    db.session.commit()
    started = time.monotonic()
    out = Path(config["TRAINER_MODELS_DIR"])
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        report_file = Path(tmp) / "report.json"
        outcome = rasa_cli.run(
            ["bot.model_round", "--config", config["TRAINER_CONFIG"], "--domain", config["TRAINER_DOMAIN"],
             "--data", *config["TRAINER_TRAINING_DATA"], "--heldout", config["TRAINER_HELDOUT"],
             "--baseline", round_.baseline_file, "--out", str(out), "--name", f"round-{round_.id}",
             "--report", str(report_file)],
            timeout=float(config["TRAINER_TIMEOUT_SECONDS"]),
        )  # fmt: skip
        report = (
            json.loads(report_file.read_text(encoding="utf-8"))
            if outcome.ok and report_file.exists()
            else None
        )
    round_.seconds, round_.finished_at = time.monotonic() - started, utcnow()
    if report is None:
        round_.status, round_.message = "failed", outcome.output[-3000:]
        logger.error("training round %s failed", round_.id)
    else:
        report["verdict"] = verdict(report["before"], report["after"])
        round_.status, round_.model_file, round_.report = "evaluated", report["model_file"], report
    db.session.commit()


def _load(instance: str, model_file: str) -> None:
    """Have every process behind one Rasa address load `model_file` (Rasa's HTTP API, token auth).

    With SANIC_WORKERS > 1 several processes share the port and each request reaches one of them, so the
    model is sent again until STATUS_CHECKS status answers in a row name it (or PUT_ATTEMPTS sends fail to).
    """
    config = current_app.config
    params = {"token": config["RASA_TOKEN"]} if config["RASA_TOKEN"] else None
    for _ in range(PUT_ATTEMPTS):
        answer = httpx.put(
            f"{instance}/model",
            params=params,
            json={"model_file": model_file},
            timeout=float(config["RASA_MODEL_LOAD_SECONDS"]),
        )
        if answer.status_code != 204:
            raise PromotionRefused(f"{instance} refused the model: {answer.status_code} {answer.text[:300]}")
        running = {
            httpx.get(f"{instance}/status", params=params, timeout=30).json().get("model_file")
            for _ in range(STATUS_CHECKS)
        }
        if running == {Path(model_file).name}:
            return
    raise PromotionRefused(
        f"{instance} still answers with another model after {PUT_ATTEMPTS} loads: {running}"
    )


def _load_everywhere(model_file: str, fallback_file: str) -> list[str]:
    """Load `model_file` on every instance; on a refusal put those already moved back on `fallback_file`."""
    moved: list[str] = []
    try:
        for instance in current_app.config["RASA_INSTANCES"]:
            _load(instance, model_file)
            moved.append(instance)
    except (PromotionRefused, httpx.HTTPError) as error:
        for instance in moved:
            try:
                _load(instance, fallback_file)
            except (PromotionRefused, httpx.HTTPError):
                logger.exception("could not put %s back on %s", instance, fallback_file)
        raise PromotionRefused(str(error)) from error
    return moved


def promote(round_id: int, actor: Actor) -> ModelRound:
    """Load an evaluated, promotable round's model into every Rasa instance and record it as the version in use."""
    round_ = db.session.get(ModelRound, round_id)
    if round_ is None or round_.status != "evaluated":
        raise PromotionRefused("Only an evaluated round can be promoted. / केवल जाँचा गया राउंड लागू हो सकता है।")
    if not round_.report.get("verdict", {}).get("promotable"):
        raise PromotionRefused(
            "This model is worse than the running one; it is not promoted. / यह मॉडल चालू मॉडल से कमज़ोर है; लागू नहीं किया गया।"
        )
    previous = running_model_file()
    round_.promoted_to = _load_everywhere(round_.model_file, previous)
    round_.status, round_.promoted_at = "promoted", utcnow()
    audit.record(actor, "trainer.model_promoted", f"model_round:{round_.id}",
                 {"model_file": round_.model_file, "previous": previous, "instances": round_.promoted_to})  # fmt: skip
    return round_


def rollback(actor: Actor) -> str:
    """Put every instance back on the model before the current one; returns that model file."""
    round_ = current()
    if round_ is None:
        raise PromotionRefused(
            "The bot runs its deployed model; there is nothing to roll back. / वापस लेने को कुछ नहीं है।"
        )
    round_.status = "retired"
    db.session.flush()
    back_to = running_model_file()
    _load_everywhere(back_to, round_.model_file)
    audit.record(actor, "trainer.model_rolled_back", f"model_round:{round_.id}",
                 {"from": round_.model_file, "to": back_to})  # fmt: skip
    return back_to


def rounds() -> list[ModelRound]:
    """Every round, newest first."""
    return db.session.scalars(select(ModelRound).order_by(ModelRound.id.desc()).limit(50)).all()


def note(round_id: int, message: str) -> None:
    """Write why a promotion or rollback did not happen on the round, for the trainer to read."""
    round_ = db.session.get(ModelRound, round_id)
    if round_ is not None:
        round_.message = message[:3000]
        db.session.commit()
