"""Finds which catalog service a message names, tolerating typos, Hinglish spellings and Devanagari variants.

Every synonym in the catalog is split into its distinctive core ("jati", "old age", "ladli") and its
generic words ("certificate", "praman patra", "pension", "licence"), which are folded into markers.
A stretch of the message matches a synonym when it carries the same markers and its core is the same
word up to a typo. Generic words alone never name a service, so "certificate chahiye" or "my income
is 90000" resolve to nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz

from catalog.model import Catalog

# Generic words and their spellings, in normalised form (see `normalise_token`).
MARKERS: Mapping[str, tuple[str, ...]] = {
    "CERT": ("certificate", "certificates", "certifcate", "certficate", "certificat", "sertificate", "cirtificate",
             "crtificate", "certi", "cert", "certfct", "praman", "pramaan", "parman", "patra", "patr", "pramanpatra",
             "pramaanpatra", "प्रमाण", "पत्र", "प्रमाणपत्र", "सर्टिफिकेट", "सर्टीफिकेट"),
    "LICENCE": ("licence", "license", "lisence", "licens", "lisens", "licance", "lycence", "लाइसेंस", "लायसेंस"),
    "PENSION": ("pension", "pention", "pensn", "penshan", "पेंशन"),
    "CARD": ("card", "kard", "cards", "कार्ड"),
    "REGISTRATION": ("registration", "registeration", "ragistration", "register", "panjikaran", "panjeekaran",
                     "पंजीकरण", "रजिस्ट्रेशन"),
    "BILL": ("bill", "bil", "bills", "बिल"),
    "CONNECTION": ("connection", "conection", "connecton", "kanekshan", "कनेक्शन"),
    "SCHEME": ("scheme", "yojana", "yojna", "yojanaa", "स्कीम", "योजना"),
    "RENEWAL": ("renew", "renewal", "renewel", "naveenikaran", "navinikaran", "नवीनीकरण", "रिन्यू", "रिन्यूअल"),
}  # fmt: skip
# Long generic words are also recognised with a typo; short ones only as spelt above.
FUZZY_MARKER_WORDS = {
    "certificate": "CERT",
    "registration": "REGISTRATION",
    "connection": "CONNECTION",
    "licence": "LICENCE",
}
MARKER_MIN_SCORE = 85
MAX_SPAN_TOKENS = 6
MAX_MESSAGE_TOKENS = 60
# A core of up to this many characters must match exactly: "obc" is not "sc".
EXACT_CORE_CHARS = 3
SHORT_CORE_CHARS = 6
SHORT_CORE_MIN_SCORE = 85
LONG_CORE_MIN_SCORE = 80

_TOKEN = re.compile(r"[0-9A-Za-z\u00C0-\u024F\u0900-\u0963\u0966-\u097F'’]+")
_NUKTA = "\u093c"
# Long and short vowel signs, chandrabindu and anusvara, ॉ and ो are spelt both ways on WhatsApp.
_DEVANAGARI_FOLD = str.maketrans({"ी": "ि", "ू": "ु", "ँ": "ं", "ॉ": "ो", "ॅ": "े", "ई": "इ", "ऊ": "उ"})
_HALANT_NASAL = re.compile(r"[नम]्(?=[क-ह])")


def normalise_token(token: str) -> str:
    """Fold case, apostrophes and Devanagari spelling variants so that equal words compare equal."""
    token = unicodedata.normalize("NFD", token.casefold().replace("'", "").replace("’", ""))
    token = unicodedata.normalize("NFC", token.replace(_NUKTA, ""))
    return _HALANT_NASAL.sub("ं", token.translate(_DEVANAGARI_FOLD))


# Small words a stretch may contain but never starts or ends with.
_FILLER_WORDS = (
    "a an the of for to in on at is are was has have i me my and or please want need "
    "ka ki ke kaa ko se me mein mai hai h he mera meri mere mujhe liye aur bhi "
    "का की के को से में है मेरा मेरी मेरे मुझे लिए और भी"
)
FILLERS = frozenset(normalise_token(word) for word in _FILLER_WORDS.split())
_MARKER_OF = {
    normalise_token(variant): marker for marker, variants in MARKERS.items() for variant in variants
}


def marker_of(word: str) -> str | None:
    """Return the generic-word marker of a normalised word, or None for a distinctive word."""
    if word in _MARKER_OF:
        return _MARKER_OF[word]
    if len(word) >= 6:
        for generic, marker in FUZZY_MARKER_WORDS.items():
            if fuzz.ratio(word, generic) >= MARKER_MIN_SCORE:
                return marker
    return None


@dataclass(frozen=True)
class Token:
    """One word of a message: its normalised form, marker (if generic) and place in the original text."""

    word: str
    marker: str | None
    start: int
    end: int

    @property
    def is_filler(self) -> bool:
        """True for small words that carry no meaning on their own."""
        return self.word in FILLERS


def tokenise(text: str) -> list[Token]:
    """Split a message into normalised tokens that remember their character offsets."""
    tokens = []
    for m in _TOKEN.finditer(text[:2000]):
        word = normalise_token(m.group())
        if word:
            tokens.append(Token(word, marker_of(word), m.start(), m.end()))
    return tokens[:MAX_MESSAGE_TOKENS]


@dataclass(frozen=True)
class _Synonym:
    service_id: str
    phrase: str
    markers: frozenset[str]
    core: tuple[str, ...]


@dataclass(frozen=True)
class ServiceMatch:
    """A service named in a message: the catalog id, where it is named, and how sure the match is (0-100)."""

    service_id: str
    start: int
    end: int
    score: float
    synonym: str


def _split(tokens: Iterable[Token]) -> tuple[frozenset[str], tuple[str, ...]]:
    markers, core = set(), []
    for token in tokens:
        if token.marker:
            markers.add(token.marker)
        elif not token.is_filler:
            core.append(token.word)
    return frozenset(markers), tuple(core)


def _swap_score(typed: str, wanted: str) -> float:
    """Score two adjacent letters typed in the wrong order ("birht") as one slip, like one letter dropped.

    The ratio counts a swap as two edits, which a short core cannot afford; one wrong letter still can not
    ("berth" is not "birth").
    """
    if len(typed) != len(wanted):
        return 0.0
    differ = [i for i, (a, b) in enumerate(zip(typed, wanted, strict=True)) if a != b]
    swapped = len(differ) == 2 and differ[1] == differ[0] + 1 and typed[differ[0]] == wanted[differ[1]]
    return 100 * (1 - 1 / (2 * len(wanted) - 1)) if swapped and typed[differ[1]] == wanted[differ[0]] else 0.0


def _core_score(span_core: tuple[str, ...], synonym_core: tuple[str, ...]) -> float:
    if not span_core or not synonym_core:
        return 100.0 if span_core == synonym_core else 0.0
    joined, wanted = "".join(span_core), "".join(synonym_core)
    if min(len(joined), len(wanted)) <= EXACT_CORE_CHARS:
        return 100.0 if joined == wanted else 0.0
    score = max(
        fuzz.ratio(joined, wanted),
        fuzz.ratio(" ".join(sorted(span_core)), " ".join(sorted(synonym_core))),
        _swap_score(joined, wanted),
    )
    threshold = SHORT_CORE_MIN_SCORE if len(wanted) <= SHORT_CORE_CHARS else LONG_CORE_MIN_SCORE
    return score if score >= threshold else 0.0


class ServiceMatcher:
    """Matches messages against every synonym of every catalog service."""

    def __init__(self, catalog: Catalog):
        self._by_markers: dict[frozenset[str], list[_Synonym]] = {}
        for service in catalog.values():
            for phrase in service.all_synonyms():
                markers, core = _split(tokenise(phrase))
                if markers or core:
                    synonym = _Synonym(service.id, phrase, markers, core)
                    self._by_markers.setdefault(markers, []).append(synonym)

    def canonical_forms(self) -> dict[tuple[frozenset[str], tuple[str, ...]], set[str]]:
        """Return each (markers, core) form with the services it names; more than one means a clash."""
        forms: dict[tuple[frozenset[str], tuple[str, ...]], set[str]] = {}
        for synonyms in self._by_markers.values():
            for s in synonyms:
                forms.setdefault((s.markers, s.core), set()).add(s.service_id)
        return forms

    def find(self, text: str) -> ServiceMatch | None:
        """Return the best-matching service named in `text`, or None when no service is named."""
        tokens = tokenise(text)
        best: tuple[tuple[float, int, int], ServiceMatch] | None = None
        for i, first in enumerate(tokens):
            if first.is_filler:
                continue
            for j in range(i, min(i + MAX_SPAN_TOKENS, len(tokens))):
                last = tokens[j]
                if last.is_filler:
                    continue
                markers, core = _split(tokens[i : j + 1])
                for synonym in self._by_markers.get(markers, ()):
                    score = _core_score(core, synonym.core)
                    if not score:
                        continue
                    # Prefer the surer match, then the more specific synonym, then the longer stretch.
                    rank = (score, len("".join(synonym.core)) + len(synonym.markers), j - i)
                    if best is None or rank > best[0]:
                        best = (
                            rank,
                            ServiceMatch(synonym.service_id, first.start, last.end, score, synonym.phrase),
                        )
        return best[1] if best else None
