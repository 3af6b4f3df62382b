"""Fixtures for catalog tests: the real catalog directory, and a copy of it with one more service."""

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES_DIR = ROOT / "data" / "services"
EXTRA_SERVICE = Path(__file__).with_name("fixtures") / "civil_defence_volunteer.yml"


@pytest.fixture
def catalog_copy(tmp_path) -> Path:
    """A writable copy of the real catalog directory."""
    target = tmp_path / "services"
    shutil.copytree(SERVICES_DIR, target)
    return target


@pytest.fixture
def catalog_with_extra_service(catalog_copy) -> Path:
    """The real catalog plus the 26th fixture service, added as one file."""
    shutil.copy(EXTRA_SERVICE, catalog_copy)
    return catalog_copy
