"""Text normalisation, the Verhoeff check and transliteration, on which every match depends."""

import pytest

from backoffice.ocr.normalise import normalise_text, to_ascii_digits
from backoffice.ocr.transliterate import fold_name
from catalog.validation import is_aadhaar_number


def test_devanagari_digits_become_ascii():
    assert to_ascii_digits("जन्म तिथि: १५/०६/१९९५") == "जन्म तिथि: 15/06/1995"


def test_normalise_gives_one_form_for_equivalent_spellings_and_tidies_lines():
    # क़ may come precomposed (U+0958) or as क + nukta; NFC makes both one string.
    assert normalise_text("\u0958िर") == normalise_text("\u0915\u093cिर")
    assert normalise_text("Jose\u0301") == "Jos\u00e9"
    assert normalise_text("  सु\u200dनी\u200cता   देवी  \n\n  Name ") == "सुनीता देवी\nName"


@pytest.mark.parametrize("number", ["012345678901", "123456789012"[:11], "23456789012a"])
def test_aadhaar_shape_rules(number):
    assert not is_aadhaar_number(number)


@pytest.mark.parametrize(
    ("devanagari", "latin"),
    [
        ("सुनीता देवी", "Sunita Devi"),
        ("राजेश कुमार", "Rajesh Kumar"),
        ("मोहम्मद शकील", "Mohammad Shakeel"),
        ("फ़ातिमा ख़ान", "Fatima Khan"),
        ("विजय लक्ष्मी", "Vijay Laxmi"),
        ("अंकित चौधरी", "Ankit Chaudhary"),
    ],
)
def test_both_scripts_fold_to_the_same_key(devanagari, latin):
    assert fold_name(devanagari) == fold_name(latin)
