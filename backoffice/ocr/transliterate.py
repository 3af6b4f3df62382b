"""Turns Devanagari and Latin spellings of Indian names into one folded Latin form for matching.

The goal is not scholarly transliteration but a key on which "सुनीता देवी" and "Sunita Devi", or
"Mohd. Shakeel" and "मोहम्मद शकील" after folding, land close enough for a fuzzy ratio.
"""

import re
import unicodedata

_VIRAMA = "\u094d"
_NUKTA = "\u093c"
_ANUSVARA = "\u0902"
_CANDRABINDU = "\u0901"
_VISARGA = "\u0903"

_CONSONANTS = {
    "क": "k", "ख": "kh", "ग": "g", "घ": "gh", "ङ": "n",
    "च": "ch", "छ": "chh", "ज": "j", "झ": "jh", "ञ": "n",
    "ट": "t", "ठ": "th", "ड": "d", "ढ": "dh", "ण": "n",
    "त": "t", "थ": "th", "द": "d", "ध": "dh", "न": "n",
    "प": "p", "फ": "ph", "ब": "b", "भ": "bh", "म": "m",
    "य": "y", "र": "r", "ल": "l", "व": "v", "श": "sh",
    "ष": "sh", "स": "s", "ह": "h", "ळ": "l",
}  # fmt: skip
_NUKTA_FORMS = {"क": "q", "ख": "kh", "ग": "g", "ज": "z", "ड": "r", "ढ": "rh", "फ": "f", "य": "y"}
_VOWELS = {
    "अ": "a", "आ": "aa", "इ": "i", "ई": "ii", "उ": "u", "ऊ": "uu", "ऋ": "ri",
    "ए": "e", "ऐ": "ai", "ओ": "o", "औ": "au", "ऑ": "o",
}  # fmt: skip
_MATRAS = {
    "ा": "aa", "ि": "i", "ी": "ii", "ु": "u", "ू": "uu", "ृ": "ri",
    "े": "e", "ै": "ai", "ो": "o", "ौ": "au", "ॉ": "o",
}  # fmt: skip


def devanagari_to_latin(text: str) -> str:
    """Romanise Devanagari with an inherent "a" that Hindi drops at the end of a word."""
    # Decompose so that every nukta letter (क़, फ़...) is a base consonant followed by the nukta mark.
    text = unicodedata.normalize("NFD", text)
    words = []
    for word in text.split():
        out: list[str] = []
        pending_a = False  # a consonant was written and its inherent vowel not yet decided
        chars = list(word)
        i = 0
        while i < len(chars):
            ch = chars[i]
            nxt = chars[i + 1] if i + 1 < len(chars) else ""
            if ch in _CONSONANTS:
                if pending_a:
                    out.append("a")
                if nxt == _NUKTA and ch in _NUKTA_FORMS:
                    out.append(_NUKTA_FORMS[ch])
                    i += 1
                else:
                    out.append(_CONSONANTS.get(ch, ""))
                pending_a = True
            elif ch in _MATRAS:
                out.append(_MATRAS[ch])
                pending_a = False
            elif ch == _VIRAMA:
                pending_a = False
            elif ch in _VOWELS:
                if pending_a:
                    out.append("a")
                out.append(_VOWELS[ch])
                pending_a = False
            elif ch in (_ANUSVARA, _CANDRABINDU):
                if pending_a:
                    out.append("a")
                out.append("n")
                pending_a = False
            elif ch in (_VISARGA, _NUKTA):
                pass
            else:
                if pending_a:
                    out.append("a")
                out.append(ch)
                pending_a = False
            i += 1
        # Schwa deletion: the final inherent vowel is silent in Hindi ("कुमार" is "kumar").
        words.append("".join(out))
    return " ".join(words)


_FOLDS = (
    (re.compile(r"aa+"), "a"),
    (re.compile(r"ee+|ii+|y\b"), "i"),
    (re.compile(r"oo+|uu+"), "u"),
    (re.compile(r"w"), "v"),
    (re.compile(r"ph|f"), "f"),
    (re.compile(r"q"), "k"),
    (re.compile(r"z"), "j"),
    (re.compile(r"x"), "ks"),
    (re.compile(r"([bcdghjklmnprstv])h"), r"\1"),  # aspiration is spelt inconsistently
    (re.compile(r"([a-z])\1+"), r"\1"),  # "Mohammad" and "Mohamad"
)


def fold_name(text: str) -> str:
    """Fold a name in either script to lowercase Latin without marks, aspirates or doubled letters."""
    if any("\u0900" <= ch <= "\u097f" for ch in text):
        text = devanagari_to_latin(text)
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[^a-z ]+", " ", text)
    for pattern, repl in _FOLDS:
        text = pattern.sub(repl, text)
    return " ".join(text.split())
