"""Fixtures for NLU tests: the real catalog, a matcher over it, and a catalog with a 26th service."""

import shutil
from pathlib import Path

import pytest

from bot.nlu.service_matcher import ServiceMatcher
from catalog import load_catalog

ROOT = Path(__file__).resolve().parents[2]
SERVICES_DIR = ROOT / "data" / "services"
EXTRA_SERVICE = ROOT / "tests" / "catalog" / "fixtures" / "civil_defence_volunteer.yml"


@pytest.fixture(scope="session")
def catalog():
    """The real catalog."""
    return load_catalog(SERVICES_DIR)


@pytest.fixture(scope="session")
def matcher(catalog):
    """A service matcher over the real catalog."""
    return ServiceMatcher(catalog)


@pytest.fixture
def catalog_with_extra_service(tmp_path) -> Path:
    """The real catalog plus the 26th fixture service, added as one file."""
    target = tmp_path / "services"
    shutil.copytree(SERVICES_DIR, target)
    shutil.copy(EXTRA_SERVICE, target)
    return target
