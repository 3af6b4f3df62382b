"""Size, page and pixel limits for uploads, from the environment (Meta's limits are the ceilings)."""

import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


# Meta accepts images up to 5 MB and documents up to 100 MB; we keep documents far smaller.
MAX_IMAGE_BYTES = _int("SEVA_MAX_IMAGE_BYTES", 5 * 1024 * 1024)
MAX_PDF_BYTES = _int("SEVA_MAX_PDF_BYTES", 10 * 1024 * 1024)
MAX_PDF_PAGES = _int("SEVA_MAX_PDF_PAGES", 10)
# What a PDF's compressed streams may inflate to in total: the decompression-bomb guard.
MAX_PDF_INFLATED_BYTES = _int("SEVA_MAX_PDF_INFLATED_BYTES", 100 * 1024 * 1024)
# Largest image (or rendered page) in pixels; more is a decompression bomb, not a phone photo.
MAX_PIXELS = _int("SEVA_MAX_PIXELS", 40_000_000)
PDF_DPI = _int("SEVA_PDF_DPI", 200)
# The PDF renderer runs in a child process held to this much memory and CPU time.
RENDER_MEMORY_BYTES = _int("SEVA_PDF_RENDER_MEMORY_BYTES", 1024 * 1024 * 1024)
RENDER_SECONDS = _int("SEVA_PDF_RENDER_SECONDS", 30)
