"""Fixtures for NLU tests: the real catalog and a matcher over it (a catalog with a 26th service: tests/conftest.py)."""

import pytest

from bot.nlu.service_matcher import ServiceMatcher
from catalog import load_catalog
from tests.conftest import SERVICES_DIR


@pytest.fixture(scope="session")
def catalog():
    """The real catalog."""
    return load_catalog(SERVICES_DIR)


@pytest.fixture(scope="session")
def matcher(catalog):
    """A service matcher over the real catalog."""
    return ServiceMatcher(catalog)
