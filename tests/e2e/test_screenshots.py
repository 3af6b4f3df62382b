"""The README's phone pictures stay small enough for git, and are taken only when asked for."""

import io

import numpy as np
from PIL import Image

from tests.e2e import screenshots


def test_a_busy_picture_is_reduced_under_the_cap_and_stays_a_png():
    noise = np.random.default_rng(3).integers(0, 256, (780, 820, 3), dtype=np.uint8)
    small = screenshots._small_png(Image.fromarray(noise))
    assert len(small) <= screenshots.MAX_BYTES
    image = Image.open(io.BytesIO(small))
    assert image.format == "PNG" and image.width >= 200


def test_no_directory_no_browser(monkeypatch):
    monkeypatch.delenv(screenshots.ENV, raising=False)
    assert screenshots.phone_screenshot(stack=None, citizen="919800000001", name="x.png") is None
