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
HAIR_SPACE = "\u200a"
_DANDA_TAIL = re.compile("^(.*?)([\u0964\u0965]*)$", re.DOTALL)


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
    for word in _TOKEN.findall(text):
        # A Latin word that ends a Hindi sentence ("pay_123।") keeps its letters in the Latin font and
        # its danda in the Devanagari one; a hair space between makes them two words for the shaper.
        head, danda = _DANDA_TAIL.match(word).groups()
        split = danda and head and not has_devanagari(head)
        for token in (head, HAIR_SPACE, danda) if split else (word,):
            # Whitespace joins the run before it; a word picks the font of its script, whole, because
            # ReportLab shapes a word with the font of its first character.
            font = runs[-1][0] if token.isspace() and runs else (hindi if has_devanagari(token) else latin)
            if runs and runs[-1][0] == font:
                runs[-1] = (font, runs[-1][1] + token)
            else:
                runs.append((font, token))
    return "".join(f'<font face="{font}">{escape(chunk)}</font>' for font, chunk in runs)
