"""Answer checks: each accepts what citizens really type and names the reason when it refuses."""

from datetime import date

import pytest

from catalog import load_catalog
from catalog.model import Field, Option, Text
from catalog.validation import (
    Checked,
    check_aadhaar,
    check_age,
    check_answer,
    check_date,
    check_kno,
    check_mobile,
    check_pan,
    check_pincode,
    check_service_answer,
    check_upic,
    explain,
    is_aadhaar_number,
    mask_aadhaar,
    parse_number,
    verhoeff_check_digit,
)
from tests.conftest import SERVICES_DIR

TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("digits", "check"), [("236", "3"), ("12345", "1"), ("123456789012", "0"), ("75872", "2")]
)
def test_verhoeff_known_vectors(digits, check):
    assert verhoeff_check_digit(digits) == check


def test_an_aadhaar_number_with_any_single_digit_error_or_adjacent_swap_is_refused():
    number = "23456789012" + verhoeff_check_digit("23456789012")
    for i in range(12):
        for d in "0123456789":
            if d != number[i]:
                assert not is_aadhaar_number(number[:i] + d + number[i + 1 :])
    for i in range(11):
        swapped = number[:i] + number[i + 1] + number[i] + number[i + 2 :]
        if swapped != number:
            assert not is_aadhaar_number(swapped)


VALID_AADHAAR = "23456789012" + verhoeff_check_digit("23456789012")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (VALID_AADHAAR, Checked(VALID_AADHAAR)),
        (f"{VALID_AADHAAR[:4]} {VALID_AADHAAR[4:8]} {VALID_AADHAAR[8:]}", Checked(VALID_AADHAAR)),
        (VALID_AADHAAR.translate(str.maketrans("0123456789", "०१२३४५६७८९")), Checked(VALID_AADHAAR)),
        ("12345678901", Checked(reason="aadhaar_length")),
        ("23456789012a", Checked(reason="aadhaar_length")),
        ("1" + VALID_AADHAAR[1:], Checked(reason="aadhaar_first_digit")),
        (VALID_AADHAAR[:-1] + str((int(VALID_AADHAAR[-1]) + 1) % 10), Checked(reason="aadhaar_checksum")),
    ],
)
def test_aadhaar(text, expected):
    assert check_aadhaar(text) == expected


def test_aadhaar_is_masked_to_the_last_four_digits():
    assert mask_aadhaar(VALID_AADHAAR) == f"XXXX-XXXX-{VALID_AADHAAR[-4:]}"


@pytest.mark.parametrize(
    ("text", "value", "reason"),
    [("110001", "110001", None), ("110 097", "110097", None), ("११००२५", "110025", None),
     ("110098", None, "pincode_not_delhi"), ("400001", None, "pincode_not_delhi"), ("11001", None, "pincode_format")],
)  # fmt: skip
def test_delhi_pincode(text, value, reason):
    assert check_pincode(text) == Checked(value, reason)


@pytest.mark.parametrize(
    ("text", "value", "reason"),
    [("9876543210", "9876543210", None), ("+91 98765 43210", "9876543210", None), ("09876543210", "9876543210", None),
     ("919876543210", "9876543210", None), ("98765-43210", "9876543210", None), ("५८७६५४३२१०", None, "mobile_first_digit"),
     ("5876543210", None, "mobile_first_digit"), ("987654321", None, "mobile_format"), ("phone", None, "mobile_format")],
)  # fmt: skip
def test_indian_mobile(text, value, reason):
    assert check_mobile(text) == Checked(value, reason)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12/03/1990", date(1990, 3, 12)), ("12-3-90", date(1990, 3, 12)), ("12 March 1990", date(1990, 3, 12)),
     ("12 mar 1990", date(1990, 3, 12)), ("March 12, 1990", date(1990, 3, 12)), ("12th March 1990", date(1990, 3, 12)),
     ("12 मार्च 1990", date(1990, 3, 12)), ("१२/०३/१९९०", date(1990, 3, 12)), ("1990-03-12", date(1990, 3, 12)),
     ("12.03.1990", date(1990, 3, 12)), ("5-1-24", date(2024, 1, 5)), ("29/02/2024", date(2024, 2, 29))],
)  # fmt: skip
def test_dates_in_the_ways_citizens_write_them(text, expected):
    assert check_date(text, {"not_future": True}, TODAY) == Checked(expected)


@pytest.mark.parametrize(
    ("text", "rules", "reason"),
    [("31/02/1990", {}, "date_invalid"), ("29/02/2023", {}, "date_invalid"), ("yesterday", {}, "date_format"),
     ("12 Smarch 1990", {}, "date_format"), ("01/01/2027", {"not_future": True}, "date_future"),
     ("23/11/2026", {"not_future": True}, "date_future"), ("01/01/2020", {"not_past": True}, "date_past"),
     ("01/01/2020", {"max_days_ago": 30}, "date_too_old"), ("01/01/1850", {}, "date_too_old")],
)  # fmt: skip
def test_dates_that_are_refused(text, rules, reason):
    assert check_date(text, rules, TODAY).reason == reason


def test_todays_date_is_not_in_the_future():
    assert check_date("22/11/2026", {"not_future": True}, TODAY).ok


def test_age_limits_come_from_eligibility():
    pension = load_catalog(SERVICES_DIR)["old_age_pension"]
    assert check_age(date(1966, 11, 22), pension.eligibility, TODAY) == Checked(60)
    assert check_age(date(1966, 11, 23), pension.eligibility, TODAY) == Checked(
        reason="age_below_min", params={"min_age": 60}
    )
    worker = load_catalog(SERVICES_DIR)["construction_worker_registration"]
    assert check_age(date(1960, 1, 1), worker.eligibility, TODAY).reason == "age_above_max"


def test_a_service_answer_applies_the_age_limit_to_the_age_field_only():
    pension = load_catalog(SERVICES_DIR)["old_age_pension"]
    dob = pension.field("date_of_birth")
    assert check_service_answer(pension, dob, "01/01/1990", TODAY).reason == "age_below_min"
    assert check_service_answer(pension, dob, "1 जनवरी 1950", TODAY) == Checked(date(1950, 1, 1))
    widow = load_catalog(SERVICES_DIR)["widow_pension"]
    assert check_service_answer(widow, widow.field("husband_date_of_death"), "01/01/2020", TODAY).ok


@pytest.mark.parametrize(
    ("check", "text", "value"),
    [(check_pan, "abcde 1234 f", "ABCDE1234F"), (check_pan, "ABCD1234F", None), (check_kno, "1234 567 890", "1234567890"),
     (check_kno, "12345", None), (check_upic, "12-3456-7890", "1234567890"), (check_upic, "12", None)],
)  # fmt: skip
def test_identifiers(check, text, value):
    assert check(text).value == value


@pytest.mark.parametrize(
    ("text", "value"),
    [("85000", 85000), ("85,000", 85000), ("Rs 85000", 85000), ("₹ 1.5 lakh", 150000), ("1 लाख", 100000),
     ("85 hazar", 85000), ("८५०००", 85000), ("no idea", None), ("5 apples", None)],
)  # fmt: skip
def test_amounts(text, value):
    assert parse_number(text).value == value


def test_choice_matches_value_label_in_either_language_or_position():
    field = Field(
        "act", "choice", Text("q", "q"), Text("h", "h"),
        options=(Option("hma", Text("Hindu Marriage Act", "हिंदू विवाह अधिनियम")), Option("sma", Text("Special", "विशेष"))),
    )  # fmt: skip
    assert [check_answer(field, t).value for t in ("hma", "hindu marriage act", "हिंदू विवाह अधिनियम", "2", "२")] == [
        "hma", "hma", "hma", "sma", "sma"
    ]  # fmt: skip
    assert check_answer(field, "3").reason == "choice_unknown"


def test_every_catalog_field_refuses_an_empty_answer_and_accepts_a_typical_one():
    typical = {"name": "Sunita Devi", "address": "House 12, Gali 4, Shakarpur", "date": "12/03/1990", "aadhaar": VALID_AADHAAR,
               "mobile": "9876543210", "pincode": "110092", "pan": "ABCDE1234F", "kno": "1234567890", "upic": "1234567890",
               "email": "a@b.in"}  # fmt: skip
    for service in load_catalog(SERVICES_DIR).values():
        for field in service.fields:
            assert check_answer(field, "  ").reason == "empty"
            if field.type in typical:
                assert check_answer(field, typical[field.type], TODAY).ok, (service.id, field.id)
            elif field.type == "choice":
                assert check_answer(field, field.options[0].label.hi).value == field.options[0].value


def test_names_refuse_digits_and_keep_devanagari():
    name_field = load_catalog(SERVICES_DIR)["income_certificate"].field("applicant_name")
    assert check_answer(name_field, "सुनीता  देवी").value == "सुनीता देवी"
    assert check_answer(name_field, "R4mesh").reason == "name_format"


def test_driving_licence_number_pattern_comes_from_the_catalog():
    dl = load_catalog(SERVICES_DIR)["driving_licence_renewal"].field("dl_number")
    assert check_answer(dl, "DL-0420110012345").ok
    assert check_answer(dl, "dl 04 2011 0012345").ok
    assert check_answer(dl, "HR-123").reason == "text_format"


def test_every_reason_is_explained_in_both_languages_with_its_numbers():
    assert (
        explain(Checked(reason="age_below_min", params={"min_age": 60}), "hi")
        == "इस सेवा के लिए उम्र कम से कम 60 साल होनी चाहिए।"
    )
    assert (
        explain(Checked(reason="pincode_not_delhi"), "en")
        == "This is not a Delhi PIN code (110001 to 110097)."
    )
    assert "12" in explain(check_aadhaar("123"), None)


def test_redact_aadhaar_masks_valid_numbers_in_any_spelling_and_leaves_other_numbers():
    from catalog.validation import redact_aadhaar

    spaced = f"{VALID_AADHAAR[:4]} {VALID_AADHAAR[4:8]} {VALID_AADHAAR[8:]}"
    hyphened = spaced.replace(" ", "-")
    masked = f"XXXX-XXXX-{VALID_AADHAAR[-4:]}"
    assert redact_aadhaar(f"mera aadhaar {spaced} hai") == f"mera aadhaar {masked} hai"
    assert redact_aadhaar(f"{VALID_AADHAAR},{hyphened}") == f"{masked},{masked}"
    invalid = VALID_AADHAAR[:-1] + str((int(VALID_AADHAAR[-1]) + 1) % 10)  # wrong check digit: not an Aadhaar
    assert redact_aadhaar(f"bill {invalid}") == f"bill {invalid}"
    assert (
        redact_aadhaar(f"DL-REV-2026-000123 and 1{VALID_AADHAAR}")
        == f"DL-REV-2026-000123 and 1{VALID_AADHAAR}"
    )
