"""Keeps the text of a document of no known kind, for the officer to read."""

from backoffice.ocr.normalise import normalise_text
from backoffice.ocr.tesseract import Line


def read(lines: list[Line]) -> dict[str, tuple[str, float]]:
    """The whole normalised text, with the mean line confidence."""
    if not lines:
        return {}
    text = normalise_text("\n".join(line.text for line in lines))
    return {"text": (text, sum(line.confidence for line in lines) / len(lines))}
