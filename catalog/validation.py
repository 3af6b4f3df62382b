"""Checks citizens' answers (Aadhaar, PIN, mobile, dates, ages, PAN, K-number, UPIC...) shared by bot and back-office.

Every check returns a `Checked`: the normalised value, or a reason code that `explain()` turns into a
short message in English or Hindi. Nothing here raises on bad input.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from stdnum import verhoeff

from catalog.model import Eligibility, Field, Service, known_language

DEVANAGARI_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")
DELHI_PINCODES = range(110001, 110098)

REASONS: Mapping[str, Mapping[str, str]] = {
    "empty": {"en": "Please type an answer.", "hi": "कृपया जवाब लिखें।"},
    "aadhaar_length": {"en": "An Aadhaar number has 12 digits.", "hi": "आधार नंबर में 12 अंक होते हैं।"},
    "aadhaar_first_digit": {
        "en": "An Aadhaar number never starts with 0 or 1.",
        "hi": "आधार नंबर 0 या 1 से शुरू नहीं होता।",
    },
    "aadhaar_checksum": {
        "en": "This Aadhaar number is not valid; please check the digits.",
        "hi": "यह आधार नंबर सही नहीं है; कृपया अंक जाँच लें।",
    },
    "pincode_format": {"en": "A PIN code has 6 digits.", "hi": "पिन कोड में 6 अंक होते हैं।"},
    "pincode_not_delhi": {
        "en": "This is not a Delhi PIN code (110001 to 110097).",
        "hi": "यह दिल्ली का पिन कोड नहीं है (110001 से 110097)।",
    },
    "mobile_format": {
        "en": "A mobile number has 10 digits, like 98XXXXXXXX.",
        "hi": "मोबाइल नंबर में 10 अंक होते हैं, जैसे 98XXXXXXXX।",
    },
    "mobile_first_digit": {
        "en": "An Indian mobile number starts with 6, 7, 8 or 9.",
        "hi": "भारतीय मोबाइल नंबर 6, 7, 8 या 9 से शुरू होता है।",
    },
    "date_format": {
        "en": "Please write the date like 12/03/1990 or 12 March 1990.",
        "hi": "कृपया तारीख़ ऐसे लिखें: 12/03/1990 या 12 मार्च 1990।",
    },
    "date_invalid": {"en": "That date does not exist.", "hi": "ऐसी कोई तारीख़ नहीं होती।"},
    "date_future": {"en": "This date cannot be in the future.", "hi": "यह तारीख़ भविष्य की नहीं हो सकती।"},
    "date_past": {"en": "This date cannot be in the past.", "hi": "यह तारीख़ बीते समय की नहीं हो सकती।"},
    "date_too_old": {"en": "This date is too far in the past.", "hi": "यह तारीख़ बहुत पुरानी है।"},
    "age_below_min": {
        "en": "You must be at least {min_age} years old for this service.",
        "hi": "इस सेवा के लिए उम्र कम से कम {min_age} साल होनी चाहिए।",
    },
    "age_above_max": {
        "en": "This service is for people up to {max_age} years old.",
        "hi": "यह सेवा {max_age} साल तक की उम्र के लोगों के लिए है।",
    },
    "pan_format": {
        "en": "A PAN has 10 characters, like ABCDE1234F.",
        "hi": "पैन में 10 अक्षर होते हैं, जैसे ABCDE1234F।",
    },
    "kno_format": {
        "en": "The K-number has 10 digits; it is at the top of your water bill.",
        "hi": "के-नंबर में 10 अंक होते हैं; यह पानी के बिल के ऊपर होता है।",
    },
    "upic_format": {
        "en": "The UPIC is the property ID on your property tax receipt (8 to 20 letters or digits).",
        "hi": "UPIC संपत्ति कर रसीद पर लिखी प्रॉपर्टी आईडी है (8 से 20 अक्षर या अंक)।",
    },
    "email_format": {"en": "That does not look like an email address.", "hi": "यह ईमेल पता सही नहीं लगता।"},
    "name_format": {
        "en": "Please write the name in letters only (2 to 80).",
        "hi": "कृपया नाम सिर्फ़ अक्षरों में लिखें (2 से 80)।",
    },
    "number_format": {"en": "Please answer with a number.", "hi": "कृपया संख्या में जवाब दें।"},
    "number_too_small": {"en": "The number must be at least {min}.", "hi": "संख्या कम से कम {min} होनी चाहिए।"},
    "number_too_large": {
        "en": "The number must be at most {max}.",
        "hi": "संख्या ज़्यादा से ज़्यादा {max} हो सकती है।",
    },
    "text_too_short": {
        "en": "Please give a little more detail (at least {min_length} characters).",
        "hi": "कृपया थोड़ा और विस्तार से लिखें (कम से कम {min_length} अक्षर)।",
    },
    "text_too_long": {
        "en": "Please keep it shorter (at most {max_length} characters).",
        "hi": "कृपया छोटा लिखें (ज़्यादा से ज़्यादा {max_length} अक्षर)।",
    },
    "text_format": {"en": "That is not in the expected format.", "hi": "यह सही प्रारूप में नहीं है।"},
    "choice_unknown": {"en": "Please choose one of the options.", "hi": "कृपया दिए गए विकल्पों में से एक चुनें।"},
}


@dataclass(frozen=True)
class Checked:
    """The result of a check: a normalised `value`, or a `reason` code with its `params`."""

    value: Any = None
    reason: str | None = None
    params: Mapping[str, Any] | None = None

    @property
    def ok(self) -> bool:
        """True when the answer was accepted."""
        return self.reason is None


def _fail(reason: str, **params: Any) -> Checked:
    return Checked(reason=reason, params=params or None)


def explain(checked: Checked, language: str | None) -> str:
    """Return the citizen-facing message for a failed check, in Hindi or English."""
    texts = REASONS.get(checked.reason or "", REASONS["text_format"])
    return texts[known_language(language, "en")].format(**(checked.params or {}))


def ascii_digits(text: str) -> str:
    """Replace Devanagari digits with ASCII ones."""
    return text.translate(DEVANAGARI_DIGITS)


def _digits_only(text: str, allowed_separators: str = " -") -> str | None:
    cleaned = ascii_digits(text.strip())
    for sep in allowed_separators:
        cleaned = cleaned.replace(sep, "")
    return cleaned if cleaned.isdigit() else None


def verhoeff_check_digit(digits: str) -> str:
    """Return the Verhoeff check digit to append to `digits`."""
    return verhoeff.calc_check_digit(digits)


def is_aadhaar_number(digits: str) -> bool:
    """True for 12 ASCII digits, not starting with 0 or 1 (never issued), whose last is their Verhoeff digit."""
    return (
        len(digits) == 12 and digits.isascii() and digits.isdigit() and digits[0] not in "01"
        and verhoeff.is_valid(digits)
    )  # fmt: skip


def check_aadhaar(text: str) -> Checked:
    """Accept 12 digits (spaces or hyphens allowed), first digit 2-9, valid Verhoeff check digit."""
    digits = _digits_only(text)
    if digits is None or len(digits) != 12:
        return _fail("aadhaar_length")
    if digits[0] in "01":
        return _fail("aadhaar_first_digit")
    if not is_aadhaar_number(digits):
        return _fail("aadhaar_checksum")
    return Checked(digits)


def mask_aadhaar(digits: str) -> str:
    """Return the Aadhaar number as it may be shown or stored: XXXX-XXXX-1234."""
    return f"XXXX-XXXX-{digits[-4:]}"


# 12 digits, grouped 4-4-4 or not, with spaces, hyphens or dots between groups, not inside a longer number.
_AADHAAR_IN_TEXT = re.compile(r"(?<![\d])(\d{4})[ .-]?(\d{4})[ .-]?(\d{4})(?![\d])")


def redact_aadhaar(text: str) -> str:
    """`text` with every valid Aadhaar number (Verhoeff digit checked) masked; other numbers stay as they are."""

    def masked(match: re.Match[str]) -> str:
        digits = "".join(match.groups())
        return mask_aadhaar(digits) if is_aadhaar_number(digits) else match[0]

    return _AADHAAR_IN_TEXT.sub(masked, text)


def check_pincode(text: str) -> Checked:
    """Accept a Delhi PIN code, 110001 to 110097."""
    digits = _digits_only(text)
    if digits is None or len(digits) != 6:
        return _fail("pincode_format")
    if int(digits) not in DELHI_PINCODES:
        return _fail("pincode_not_delhi")
    return Checked(digits)


def check_mobile(text: str) -> Checked:
    """Accept an Indian mobile number, tolerating +91, 91 or 0 in front and spaces or hyphens; return 10 digits."""
    raw = ascii_digits(text.strip())
    raw = raw[1:] if raw.startswith("+") else raw
    digits = _digits_only(raw, " -()")
    if digits is None:
        return _fail("mobile_format")
    if len(digits) == 12 and digits.startswith("91"):
        digits = digits[2:]
    elif len(digits) == 11 and digits.startswith("0"):
        digits = digits[1:]
    if len(digits) != 10:
        return _fail("mobile_format")
    if digits[0] not in "6789":
        return _fail("mobile_first_digit")
    return Checked(digits)


MONTHS = {
    **{m: i for i, m in enumerate(
        ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
         "november", "december"], start=1)},
    **{m: i for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)},
    "sept": 9,
    "जनवरी": 1, "फरवरी": 2, "फ़रवरी": 2, "मार्च": 3, "अप्रैल": 4, "अप्रेल": 4, "मई": 5, "जून": 6,
    "जुलाई": 7, "अगस्त": 8, "सितंबर": 9, "सितम्बर": 9, "अक्टूबर": 10, "अक्तूबर": 10, "नवंबर": 11,
    "नवम्बर": 11, "दिसंबर": 12, "दिसम्बर": 12,
}  # fmt: skip
_NUMERIC_DATE = re.compile(r"^(\d{1,2})\s*[/.\-\s]\s*(\d{1,2})\s*[/.\-\s]\s*(\d{4}|\d{2})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s/.\-,]*([^\d\s/.\-,]+)[\s/.\-,]*(\d{4}|\d{2})$")
_MONTH_DAY_YEAR = re.compile(r"^([^\d\s/.\-,]+)[\s.]*(\d{1,2})(?:st|nd|rd|th)?[\s,]+(\d{4})$")


def _full_year(year: str, today: date) -> int:
    """Two-digit years are the latest year not after this one: '90' is 1990, '24' is 2024."""
    if len(year) == 4:
        return int(year)
    candidate = 2000 + int(year)
    return candidate if candidate <= today.year else candidate - 100


def parse_date(text: str, today: date | None = None) -> Checked:
    """Read a citizen's date (12/03/1990, 12-3-90, 12 March 1990, 12 मार्च 1990, Devanagari digits) as a `date`."""
    today = today or date.today()
    cleaned = " ".join(ascii_digits(text).strip().lower().split())
    if not cleaned:
        return _fail("empty")
    if m := _ISO_DATE.match(cleaned):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif m := _NUMERIC_DATE.match(cleaned):
        day, month, year = int(m[1]), int(m[2]), _full_year(m[3], today)
    elif (m := _DAY_MONTH_YEAR.match(cleaned)) and m[2].rstrip(".") in MONTHS:
        day, month, year = int(m[1]), MONTHS[m[2].rstrip(".")], _full_year(m[3], today)
    elif (m := _MONTH_DAY_YEAR.match(cleaned)) and m[1].rstrip(".") in MONTHS:
        day, month, year = int(m[2]), MONTHS[m[1].rstrip(".")], int(m[3])
    else:
        return _fail("date_format")
    try:
        return Checked(date(year, month, day))
    except ValueError:
        return _fail("date_invalid")


def check_date(text: str, rules: Mapping[str, Any] | None = None, today: date | None = None) -> Checked:
    """Parse a date and apply a field's rules: `not_future`, `not_past`, `max_days_ago`."""
    today = today or date.today()
    rules = rules or {}
    checked = parse_date(text, today)
    if not checked.ok:
        return checked
    value: date = checked.value
    if rules.get("not_future") and value > today:
        return _fail("date_future")
    if rules.get("not_past") and value < today:
        return _fail("date_past")
    if "max_days_ago" in rules and (today - value).days > rules["max_days_ago"]:
        return _fail("date_too_old")
    if value.year < 1900:
        return _fail("date_too_old")
    return checked


def age_on(birth: date, today: date) -> int:
    """Return completed years between `birth` and `today`."""
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def check_age(birth: date, eligibility: Eligibility, today: date | None = None) -> Checked:
    """Check a date of birth against the service's age limits; return the age in years."""
    age = age_on(birth, today or date.today())
    if eligibility.min_age is not None and age < eligibility.min_age:
        return _fail("age_below_min", min_age=eligibility.min_age)
    if eligibility.max_age is not None and age > eligibility.max_age:
        return _fail("age_above_max", max_age=eligibility.max_age)
    return Checked(age)


def check_pan(text: str) -> Checked:
    """Accept a PAN like ABCDE1234F, in any case and with spaces; return it upper-cased."""
    pan = re.sub(r"\s", "", text).upper()
    return Checked(pan) if re.fullmatch(r"[A-Z]{5}[0-9]{4}[A-Z]", pan) else _fail("pan_format")


def check_kno(text: str) -> Checked:
    """Accept a Delhi Jal Board K-number: 10 digits."""
    digits = _digits_only(text)
    return Checked(digits) if digits is not None and len(digits) == 10 else _fail("kno_format")


def check_upic(text: str) -> Checked:
    """Accept an MCD unique property id: 8 to 20 letters or digits, hyphens and spaces dropped."""
    upic = re.sub(r"[\s\-]", "", ascii_digits(text)).upper()
    return Checked(upic) if re.fullmatch(r"[A-Z0-9]{8,20}", upic) else _fail("upic_format")


def check_email(text: str) -> Checked:
    """Accept something shaped like an email address; return it lower-cased."""
    email = text.strip().lower()
    return Checked(email) if re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", email) else _fail("email_format")


def check_name(text: str) -> Checked:
    """Accept a person's name in Latin or Devanagari letters, with spaces, dots, hyphens and apostrophes."""
    name = " ".join(text.split())
    if not 2 <= len(name) <= 80 or not re.fullmatch(r"[A-Za-z\u0900-\u097F .'\-]+", name):
        return _fail("name_format")
    return Checked(name)


_MULTIPLIERS = {"k": 1_000, "hazar": 1_000, "hazaar": 1_000, "हज़ार": 1_000, "हजार": 1_000, "thousand": 1_000,
                "lakh": 100_000, "lac": 100_000, "lakhs": 100_000, "लाख": 100_000, "crore": 10_000_000,
                "करोड़": 10_000_000}  # fmt: skip


def parse_number(text: str) -> Checked:
    """Read a number, also '85,000', 'Rs 1.5 lakh', '85 हज़ार'; return an int."""
    cleaned = ascii_digits(text).lower().replace(",", "").strip()
    cleaned = re.sub(r"^(rs\.?|inr|₹|रु\.?|रुपये)\s*", "", cleaned)
    cleaned = re.sub(r"\s*(rs\.?|rupees|rupaye|रुपये|रुपए)$", "", cleaned)
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([^\d\s.]+)?", cleaned)
    if not m or (m[2] and m[2] not in _MULTIPLIERS):
        return _fail("number_format")
    return Checked(round(float(m[1]) * _MULTIPLIERS.get(m[2] or "", 1)))


def check_number(text: str, rules: Mapping[str, Any] | None = None) -> Checked:
    """Parse a number and apply a field's `min` and `max`."""
    rules = rules or {}
    checked = parse_number(text)
    if not checked.ok:
        return checked
    if "min" in rules and checked.value < rules["min"]:
        return _fail("number_too_small", min=rules["min"])
    if "max" in rules and checked.value > rules["max"]:
        return _fail("number_too_large", max=rules["max"])
    return checked


def check_text(text: str, rules: Mapping[str, Any] | None = None) -> Checked:
    """Accept free text within a field's `min_length`, `max_length` and `pattern`."""
    rules = rules or {}
    value = " ".join(text.split())
    if len(value) < rules.get("min_length", 1):
        return _fail("text_too_short", min_length=rules.get("min_length", 1))
    if "max_length" in rules and len(value) > rules["max_length"]:
        return _fail("text_too_long", max_length=rules["max_length"])
    if "pattern" in rules and not re.fullmatch(rules["pattern"], value, flags=re.IGNORECASE):
        return _fail("text_format")
    return Checked(value)


def check_choice(field: Field, text: str) -> Checked:
    """Match an answer to an option by value, English or Hindi label, or its number in the list."""
    answer = ascii_digits(text).strip().casefold()
    for position, option in enumerate(field.options, start=1):
        labels = {option.value, option.label.en.casefold(), option.label.hi.casefold(), str(position)}
        if answer in labels:
            return Checked(option.value)
    return _fail("choice_unknown")


def check_answer(field: Field, text: str, today: date | None = None) -> Checked:
    """Check one answer against its catalog field: its type first, then the field's validation rules."""
    if not text or not text.strip():
        return _fail("empty")
    rules = field.validation
    match field.type:
        case "aadhaar":
            return check_aadhaar(text)
        case "mobile":
            return check_mobile(text)
        case "pincode":
            return check_pincode(text)
        case "date":
            return check_date(text, rules, today)
        case "number" | "amount":
            return check_number(text, rules)
        case "pan":
            return check_pan(text)
        case "kno":
            return check_kno(text)
        case "upic":
            return check_upic(text)
        case "email":
            return check_email(text)
        case "choice":
            return check_choice(field, text)
        case "name":
            checked = check_name(text)
            return check_text(checked.value, rules) if checked.ok else checked
        case _:
            return check_text(text, rules)


def check_service_answer(service: Service, field: Field, text: str, today: date | None = None) -> Checked:
    """Check an answer for a service's field, adding the service's age limits to its age field."""
    checked = check_answer(field, text, today)
    if checked.ok and field.id == service.eligibility.age_field:
        age = check_age(checked.value, service.eligibility, today)
        if not age.ok:
            return age
    return checked
