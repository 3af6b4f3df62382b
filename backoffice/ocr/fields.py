"""Recognises field values (dates, genders, Aadhaar and PAN numbers, names) in OCR text."""

import datetime as dt
import re

from catalog.validation import is_aadhaar_number

_DATE = re.compile(r"(?<!\d)(\d{1,2})\s?[/\-.|]\s?(\d{1,2})\s?[/\-.|]\s?((?:19|20)\d{2})(?!\d)")
_YEAR_ONLY = re.compile(r"(?:year of birth|yob|जन्म वर्ष)\W*((?:19|20)\d{2})", re.IGNORECASE)
_GENDER_EN = re.compile(r"\b(FEMALE|MALE|TRANSGENDER)\b", re.IGNORECASE)
_GENDER_HI = {"महिला": "FEMALE", "पुरुष": "MALE", "ट्रांसजेंडर": "TRANSGENDER"}
# Letters Tesseract confuses with digits, and the reverse, used where the position fixes the class.
_AS_DIGIT = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "I": "1", "l": "1", "|": "1", "i": "1",
                           "Z": "2", "S": "5", "s": "5", "B": "8", "G": "6", "b": "6", "T": "7"})  # fmt: skip
_AS_LETTER = str.maketrans({"0": "O", "1": "I", "2": "Z", "5": "S", "8": "B", "6": "G", "7": "T", "4": "A",
                            "]": "J", "}": "J", ")": "J"})  # fmt: skip
# Inside a word of a Latin name, these are misread letters, not punctuation.
_NAME_REPAIRS = str.maketrans({"}": "J", "]": "J", "0": "O", "1": "I", "5": "S", "8": "B", "|": "I"})
_DIGITISH = r"[0-9OoDQIl|iZSsBGbT]"
_AADHAAR = re.compile(
    rf"(?<![0-9A-Za-z])({_DIGITISH}{{4}})\s?({_DIGITISH}{{4}})\s?({_DIGITISH}{{4}})(?![0-9A-Za-z])"
)
_PAN_CHUNK = re.compile(r"(?<![A-Z0-9])[A-Z0-9]{9}[A-Z0-9\]})](?![A-Z0-9])")
_SPLIT_DIGITS = re.compile(r"(?<=\d) (?=\d)")
_TWELVE = re.compile(r"(?<!\d)\d{12}(?!\d)")
_PAN = re.compile(r"^[A-Z]{3}[ABCFGHJLPT][A-Z][0-9]{4}[A-Z]$")
_DEVANAGARI = re.compile(r"[\u0900-\u097f]")


def parse_date(text: str) -> str | None:
    """The first real calendar date written day-first in `text`, as YYYY-MM-DD."""
    for day, month, year in _DATE.findall(text):
        try:
            return dt.date(int(year), int(month), int(day)).isoformat()
        except ValueError:
            continue
    return None


def parse_year_of_birth(text: str) -> str | None:
    """The year after a "Year of Birth" label, for cards that print no full date."""
    found = _YEAR_ONLY.search(text)
    return found.group(1) if found else None


def parse_gender(text: str) -> str | None:
    """MALE, FEMALE or TRANSGENDER from the English word, else from the Hindi one."""
    found = _GENDER_EN.search(text)
    if found:
        return found.group(1).upper()
    for word, gender in _GENDER_HI.items():
        if word in text:
            return gender
    return None


def aadhaar_candidates(text: str) -> list[str]:
    """Every 4-4-4 digit group in `text` (letters read for digits repaired) that passes the Verhoeff check."""
    found = []
    for groups in _AADHAAR.findall(text):
        number = "".join(groups).translate(_AS_DIGIT)
        if is_aadhaar_number(number):
            found.append(number)
    if not found:
        # Tesseract sometimes splits a group ("6838 9614 61 77"): join digits split by single spaces.
        for number in _TWELVE.findall(_SPLIT_DIGITS.sub("", text)):
            if is_aadhaar_number(number):
                found.append(number)
    return found


def pan_candidates(text: str) -> list[str]:
    """Every ten-character token in `text` that is a well-formed PAN once digits and letters are repaired."""
    found = []
    for token in _PAN_CHUNK.findall(text.upper().replace(" ", "")) + _PAN_CHUNK.findall(text.upper()):
        fixed = (
            token[:5].translate(_AS_LETTER) + token[5:9].translate(_AS_DIGIT) + token[9].translate(_AS_LETTER)
        )
        if _PAN.match(fixed) and fixed not in found:
            found.append(fixed)
    return found


def has_devanagari(text: str) -> bool:
    """True when `text` contains any Devanagari letter."""
    return bool(_DEVANAGARI.search(text))


def repair_name_word(word: str) -> str:
    """Undo digit and bracket misreadings inside a word of letters ("MANO}" is "MANOJ")."""
    letters = sum(ch.isalpha() for ch in word)
    return word.translate(_NAME_REPAIRS) if letters >= 2 and word[0].isalpha() else word


def latin_name(text: str) -> str | None:
    """`text` as a name if it is 1-5 Latin words of letters only (dots allowed), else None."""
    words = [w.strip(".,") for w in text.split()]
    words = [w for w in words if w]
    if not 1 <= len(words) <= 5 or not all(re.fullmatch(r"[A-Za-z][A-Za-z.']*", w) for w in words):
        return None
    if sum(len(w) for w in words) < 3:
        return None
    return " ".join(words)


def devanagari_words(text: str) -> list[str]:
    """The words of `text` written wholly in Devanagari, dropping OCR debris around them."""
    words = []
    for raw in text.split():
        word = raw.strip(".,|:;\"'“”‘’()[]{}-_।॥")
        if word and all("\u0900" <= ch <= "\u097f" for ch in word):
            words.append(word)
    return words
