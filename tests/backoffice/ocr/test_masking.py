"""Aadhaar numbers are stored and shown masked: only the last four digits survive."""

import json

from backoffice.ocr.masking import mask_aadhaar, mask_numbers_in_text, storable_fields

FULL = "234567890124"


def test_mask_keeps_only_the_last_four_digits():
    assert mask_aadhaar(FULL) == "XXXX-XXXX-0124"
    assert mask_aadhaar("2345 6789 0124") == "XXXX-XXXX-0124"
    assert mask_aadhaar("12") == "XXXX-XXXX-XXXX"


def test_storable_fields_never_hold_the_full_number():
    fields = {"aadhaar_number": FULL, "name": "Sunita Devi", "dob": "1987-05-12"}
    stored = storable_fields(fields)
    assert stored["aadhaar_number"] == "XXXX-XXXX-0124"
    assert FULL not in json.dumps(stored)
    assert stored["name"] == "Sunita Devi"
    assert fields["aadhaar_number"] == FULL  # the caller's copy is untouched


def test_numbers_inside_generic_text_are_masked():
    text = "Aadhaar 2345 6789 0124 and again 234567890124; phone 98100 12345 stays"
    masked = mask_numbers_in_text(text)
    assert "6789" not in masked
    assert masked.count("XXXX-XXXX-0124") == 2
    assert "98100 12345" in masked
    assert storable_fields({"text": text})["text"] == masked
