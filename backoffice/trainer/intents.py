"""The intents and services a label may name: the domain's intents and the catalog's services, nothing else."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from flask import current_app

from catalog.loader import load_catalog

# Intents a citizen never types: they come from taps, uploads and the fallback itself.
NOT_TYPED = frozenset(
    {"nlu_fallback", "document_received", "document_rejected", "unsupported_message", "choose_payment"}
)


@lru_cache(maxsize=4)
def _domain_intents(path: str, mtime: float) -> tuple[str, ...]:
    domain = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return tuple(i if isinstance(i, str) else next(iter(i)) for i in domain.get("intents") or [])


def domain_intents() -> tuple[str, ...]:
    """The intents a trainer may give, in the domain's order (re-read when domain.yml changes)."""
    path = Path(current_app.config["TRAINER_DOMAIN"])
    return tuple(i for i in _domain_intents(str(path), path.stat().st_mtime) if i not in NOT_TYPED)


def service_ids() -> tuple[str, ...]:
    """The catalog's service ids, the values of the `service` entity."""
    return tuple(load_catalog())
