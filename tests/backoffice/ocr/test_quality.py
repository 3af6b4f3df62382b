"""The quality gate refuses blurred, dark and small photos with a reason the citizen can act on."""

import pytest

from backoffice.documents.intake.refusal import CODES
from backoffice.ocr import preprocess, quality
from backoffice.ocr.extract import read_document
from backoffice.ocr.messages import MESSAGES, message_for
from tests.backoffice.ocr.synthetic_cards import draw_aadhaar, draw_pan, make_identity, photograph


def gate(jpeg: bytes) -> quality.Quality:
    return quality.assess(preprocess.decode(jpeg))


def test_the_whole_measurement_set_passes_the_gate(cards):
    assert [gate(c.jpeg).reason for c in cards] == [None] * len(cards)


def test_blurred_photo_is_refused(rng):
    card = draw_aadhaar(make_identity(rng), rng)
    assert gate(photograph(card, rng, blur_sigma=3.0)).reason == "blurred"


def test_dark_photo_is_refused(rng):
    card = draw_pan(make_identity(rng), rng)
    assert gate(photograph(card, rng, light=0.12)).reason == "too_dark"


def test_dim_but_readable_photo_is_not_refused(rng):
    card = draw_pan(make_identity(rng), rng)
    assert gate(photograph(card, rng, light=0.3)).ok


@pytest.mark.parametrize(
    ("photo_width", "card_fraction"), [(360, 0.7), (1280, 0.3)], ids=["tiny-photo", "card-far-away"]
)
def test_small_photo_or_distant_document_is_refused(rng, photo_width, card_fraction):
    card = draw_aadhaar(make_identity(rng), rng)
    assert (
        gate(photograph(card, rng, photo_width=photo_width, card_fraction=card_fraction)).reason
        == "too_small"
    )


def test_refused_photo_yields_no_fields_and_zero_confidence(rng):
    card = draw_aadhaar(make_identity(rng), rng)
    extraction = read_document(photograph(card, rng, blur_sigma=4.0), "aadhaar")
    assert extraction.quality["reason"] == "blurred"
    assert extraction.fields == {}
    assert extraction.confidence == 0.0


@pytest.mark.parametrize("reason", ["blurred", "too_dark", "too_small", "unreadable", *CODES])
def test_every_reason_has_a_message_in_hindi_and_english(reason):
    assert any("\u0900" <= ch <= "\u097f" for ch in message_for(reason, "hi"))
    assert message_for(reason, "en").isascii()
    assert set(MESSAGES[reason]) == {"hi", "en"}
