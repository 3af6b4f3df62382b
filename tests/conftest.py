"""Fixtures shared by both venvs' test suites: real servers started on free ports, and copies of the catalog."""

import os
import shutil
from pathlib import Path

import pytest

from tests.servers import ROOT, free_port, running

SERVICES_DIR = ROOT / "data" / "services"
# A 26th service that exists only in tests: adding one must need no code change (catalog, NLU, training data).
EXTRA_SERVICE = ROOT / "tests" / "catalog" / "fixtures" / "civil_defence_volunteer.yml"


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A throw-away redis-server for the test session."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed; run `make deps`")
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
               "--dir", str(workdir)]  # fmt: skip
    with running(command, dict(os.environ), port):
        yield f"redis://127.0.0.1:{port}/0"


@pytest.fixture(autouse=True, scope="session")
def _seva_home():
    os.environ.setdefault("SEVA_HOME", str(ROOT))


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
