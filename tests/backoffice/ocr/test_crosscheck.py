"""The verdict beside the image: names fuzzy but ordered, dates exact, numbers exact."""

import pytest
from rapidfuzz import fuzz

from backoffice.ocr.crosscheck import cross_check, name_similarity
from backoffice.ocr.extract import Extraction

OK = {"ok": True, "reason": None, "metrics": {}}


def aadhaar(**fields) -> Extraction:
    base = {"aadhaar_number": "234567890124", "name": "Sunita Devi", "name_hi": "सुनीता देवी",
            "dob": "1987-05-12", "gender": "FEMALE"}  # fmt: skip
    base.update(fields)
    return Extraction("aadhaar", base, {k: 0.9 for k in base}, OK)


ANSWERS = {"name": "Sunita Devi", "dob": "1987-05-12", "aadhaar_number": "2345 6789 0124"}


def test_everything_agrees():
    verdict = cross_check(aadhaar(), ANSWERS)
    assert verdict.verdict == "match"
    assert verdict.reasons == []
    assert verdict.confidences["name_similarity"] == 100


def test_a_first_name_alone_is_not_the_same_name():
    # The trap the issue names: a set-based ratio calls these identical.
    assert fuzz.token_set_ratio("Sunita", "Sunita Devi") == 100
    assert name_similarity("Sunita", "Sunita Devi") < 85
    verdict = cross_check(aadhaar(), ANSWERS | {"name": "Sunita"})
    assert verdict.verdict == "mismatch"
    assert verdict.reasons == ["name_mismatch"]


def test_swapped_name_order_is_not_a_match():
    assert name_similarity("Devi Sunita", "Sunita Devi") < 85


@pytest.mark.parametrize("typed", ["सुनीता देवी", "sunita devi", "Suneeta Devi", "SUNITA  DEVI"])
def test_name_typed_in_either_script_or_spelling_matches(typed):
    assert cross_check(aadhaar(name="Sunita Devl"), ANSWERS | {"name": typed}).verdict == "match"


def test_date_of_birth_must_match_exactly():
    verdict = cross_check(aadhaar(), ANSWERS | {"dob": "1987-05-13"})
    assert verdict.verdict == "mismatch"
    assert verdict.reasons == ["dob_mismatch"]


def test_number_must_match_and_a_masked_answer_is_compared_on_its_last_four():
    assert cross_check(aadhaar(), ANSWERS | {"aadhaar_number": "234567890125"}).reasons == ["number_mismatch"]
    assert cross_check(aadhaar(), ANSWERS | {"aadhaar_number": "XXXX-XXXX-0124"}).verdict == "match"


def test_pan_number_and_name():
    pan = Extraction("pan", {"pan_number": "ABCPS1234K", "name": "SUNITA DEVI", "dob": "1987-05-12"},
                     {"pan_number": 0.9, "name": 0.9, "dob": 0.9}, OK)  # fmt: skip
    assert cross_check(pan, {"name": "Sunita Devi", "pan_number": "abcps1234k"}).verdict == "match"
    assert cross_check(pan, {"name": "Sunita Devi", "pan_number": "ABCPS1234L"}).verdict == "mismatch"


def test_field_not_read_makes_the_verdict_unreadable_not_mismatch():
    verdict = cross_check(_without(aadhaar(), "dob"), ANSWERS)
    assert verdict.verdict == "unreadable"
    assert verdict.reasons == ["dob_unreadable"]


def test_doubtful_disagreement_goes_to_the_officer_as_unreadable():
    doubtful = aadhaar(dob="1987-05-18")
    doubtful.confidences["dob"] = 0.1
    assert cross_check(doubtful, ANSWERS).reasons == ["dob_unreadable"]


def test_photo_refused_by_the_quality_gate_is_unreadable_with_its_reason():
    refused = Extraction("aadhaar", {}, {}, {"ok": False, "reason": "blurred", "metrics": {}})
    verdict = cross_check(refused, ANSWERS)
    assert verdict.verdict == "unreadable"
    assert verdict.reasons == ["blurred"]


def _without(extraction: Extraction, name: str) -> Extraction:
    extraction.fields.pop(name)
    extraction.confidences.pop(name)
    return extraction
