"""Fixtures for intake tests."""

import pytest

from tests.backoffice.documents.intake.uploads import jpeg_with_exif


@pytest.fixture
def photo() -> bytes:
    """A small sideways JPEG with EXIF orientation 6 and GPS tags."""
    return jpeg_with_exif()
