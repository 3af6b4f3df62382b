"""Fixtures for OCR tests: small reproducible sets of badly photographed fictional cards."""

import numpy as np
import pytest

from tests.backoffice.ocr import synthetic_cards


@pytest.fixture(scope="session")
def cards() -> list[synthetic_cards.Sample]:
    """Sixteen photographed cards, half Aadhaar-like and half PAN-like (seed 5)."""
    return synthetic_cards.sample_set(16, seed=5)


@pytest.fixture
def rng() -> np.random.Generator:
    """A fixed-seed random generator for one-off cards."""
    return np.random.default_rng(7)
