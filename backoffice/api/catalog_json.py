"""The catalog as JSON for the bot: each service file's data as written, with an ETag over the whole."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from catalog import load_catalog
from catalog.loader import default_catalog_dir


@lru_cache(maxsize=4)
def _services(directory: str) -> tuple[tuple[dict[str, Any], ...], str]:
    catalog = load_catalog(directory)  # validates every file first; a broken one raises CatalogError
    services = tuple(
        yaml.safe_load((Path(directory) / f"{service_id}.yml").read_text(encoding="utf-8"))
        for service_id in catalog
    )
    body = json.dumps(services, ensure_ascii=False, sort_keys=True, default=str)
    return services, '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'


def catalog_services() -> tuple[tuple[dict[str, Any], ...], str]:
    """Every service's data (JSON form of its YAML file) and the ETag of the set."""
    return _services(str(default_catalog_dir().resolve()))


def service_data(service_id: str) -> dict[str, Any] | None:
    """One service's data, or None."""
    services, _ = catalog_services()
    return next((s for s in services if s.get("id") == service_id), None)
