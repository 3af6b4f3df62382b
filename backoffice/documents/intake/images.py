"""Re-encodes uploaded photos upright and without metadata (EXIF holds GPS positions and phone models)."""

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

from backoffice.documents.intake import limits
from backoffice.documents.intake.refusal import DocumentRefused

_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}


def _open(data: bytes) -> Image.Image:
    Image.MAX_IMAGE_PIXELS = limits.MAX_PIXELS
    with warnings.catch_warnings():
        # Pillow only warns between MAX_IMAGE_PIXELS and twice it; treat the warning as the bomb it is.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise DocumentRefused("too_large", "image has too many pixels") from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise DocumentRefused("corrupt", f"image cannot be decoded: {exc}") from exc
    return image


def clean_image(data: bytes, mime_type: str) -> bytes:
    """Decode `data`, turn it upright per its EXIF orientation, and re-encode it with no metadata."""
    image = _open(data)
    upright = ImageOps.exif_transpose(image)
    fmt = _FORMATS[mime_type]
    if fmt == "JPEG" and upright.mode not in ("RGB", "L"):
        upright = upright.convert("RGB")
    # A fresh image carries no EXIF, XMP, ICC or comment blocks from the original.
    bare = Image.new(upright.mode, upright.size)
    bare.paste(upright)
    out = io.BytesIO()
    options = {"quality": 92} if fmt in ("JPEG", "WEBP") else {}
    bare.save(out, fmt, **options)
    return out.getvalue()
