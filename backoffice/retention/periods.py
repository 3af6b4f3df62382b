"""The retention periods: `periods.yaml`, with environment overrides."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

PERIODS_FILE = Path(__file__).with_name("periods.yaml")


@dataclass(frozen=True)
class DocumentRule:
    """How long a service's documents stay after the decision, and the law that says so ({"en","hi"})."""

    years: int
    law: dict[str, str]

    @property
    def period(self) -> timedelta:
        """The period as a timedelta (a year counted as 365 days)."""
        return timedelta(days=365 * self.years)


@lru_cache(maxsize=1)
def _periods() -> dict[str, Any]:
    return yaml.safe_load(PERIODS_FILE.read_text(encoding="utf-8"))


def draft_period() -> timedelta:
    """How long an untouched draft is kept."""
    return timedelta(days=int(os.environ.get("RETENTION_DRAFT_DAYS") or _periods()["drafts_days"]))


def document_rule(service_id: str) -> DocumentRule:
    """The retention rule for the documents of one service's decided applications."""
    documents = _periods()["documents"]
    rule = {**documents["default"], **(documents.get("services") or {}).get(service_id, {})}
    years = os.environ.get("RETENTION_DOCUMENT_YEARS") or rule["years"]
    return DocumentRule(int(years), dict(rule["law"]))
