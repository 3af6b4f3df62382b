"""Registers the Noto fonts once and marks up mixed Hindi/Latin text so each script gets its own font."""

import os
import re
from functools import cache
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = os.environ.get("SEVA_FONT_DIR", "/usr/share/fonts/truetype/noto")
DEVANAGARI = "SevaDevanagari"
DEVANAGARI_BOLD = "SevaDevanagari-Bold"
LATIN = "SevaLatin"
LATIN_BOLD = "SevaLatin-Bold"

_FILES = {
    DEVANAGARI: "NotoSansDevanagari-Regular.ttf",
    DEVANAGARI_BOLD: "NotoSansDevanagari-Bold.ttf",
    LATIN: "NotoSans-Regular.ttf",
    LATIN_BOLD: "NotoSans-Bold.ttf",
}
# Devanagari, Devanagari Extended and Vedic Extensions; the danda (।) lives in the main block.
_DEVANAGARI_CHAR = re.compile("[\u0900-\u097f\ua8e0-\ua8ff\u1cd0-\u1cff]")
_TOKEN = re.compile(r"\S+|\s+")


@cache
def register_fonts() -> None:
    """Register the four TrueType fonts with ReportLab (once per process; parsing a TTF is slow)."""
    for name, filename in _FILES.items():
        path = os.path.join(FONT_DIR, filename)
        if not os.path.exists(path):
            raise FileNotFoundError(f"font {path} is missing; install the Debian package fonts-noto-core")
        pdfmetrics.registerFont(TTFont(name, path))


def has_devanagari(text: str) -> bool:
    """Whether `text` holds at least one Devanagari character."""
    return bool(_DEVANAGARI_CHAR.search(text))


def script_markup(text: str, bold: bool = False) -> str:
    """Paragraph markup that sets each word in the Devanagari or the Latin font, escaped for ReportLab."""
    hindi, latin = (DEVANAGARI_BOLD, LATIN_BOLD) if bold else (DEVANAGARI, LATIN)
    runs: list[tuple[str, str]] = []
    for token in _TOKEN.findall(text):
        # Whitespace joins the run before it; a word picks the font of its script, whole, because
        # ReportLab shapes a word with the font of its first character.
        font = runs[-1][0] if token.isspace() and runs else (hindi if has_devanagari(token) else latin)
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + token)
        else:
            runs.append((font, token))
    return "".join(f'<font face="{font}">{escape(chunk)}</font>' for font, chunk in runs)
