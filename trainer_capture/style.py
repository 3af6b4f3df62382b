"""The language style of a message: English, Hindi in Devanagari, or Hindi written in Latin letters."""

from __future__ import annotations

import re

STYLES = ("english", "devanagari", "hinglish")
STYLE_LABELS = {
    "english": ("English", "अंग्रेज़ी"),
    "devanagari": ("Hindi (Devanagari)", "हिंदी (देवनागरी)"),
    "hinglish": ("Hinglish", "हिंग्लिश"),
}
# Common Hindi function words and verbs as people type them in Latin letters; one of them makes it Hinglish.
# Words that are also English (do, me, na, ya) are left out.
_HINGLISH = frozenset(
    re.findall(
        r"\S+",
        """
    hai hain ho hoga kya kaise kab kahan kitna kitne kitni mujhe mera meri mere mujhko hum humko hamara aap
    aapka apna chahiye chaiye karna karni karo kare kar kiya nahi nahin ka ki ke ko se mein par aur
    bhi tha thi banwana banvana batao bataye bataiye dena dijiye lena milega milegi kripya
    krpya shukriya dhanyavad dhanyawad haan ji accha theek thik kaun kyu kyun praman patra gaya gayi gaye
    hua hui raha rahi rahe wala wali kuch sab abhi aaj kal paisa paise chahta chahti sakta sakte kho
""",
    )
)
_WORD = re.compile(r"[a-z]+")


def language_style(text: str) -> str:
    """`devanagari` when most letters are Devanagari, `hinglish` when Hindi words are typed in Latin, else `english`."""
    letters = [c for c in text if c.isalpha()]
    if letters and sum("\u0900" <= c <= "\u097f" for c in letters) * 2 >= len(letters):
        return "devanagari"
    if any(word in _HINGLISH for word in _WORD.findall(text.lower())):
        return "hinglish"
    return "english"
