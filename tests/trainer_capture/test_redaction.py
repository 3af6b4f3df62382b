"""Personal data never reaches the trainer inbox: what the redaction replaces, and what it leaves alone."""

import json

import pytest

from trainer_capture.contract import capture_entry
from trainer_capture.redaction import redact
from trainer_capture.style import language_style


@pytest.mark.parametrize(
    ("said", "kept"),
    [
        ("my aadhaar is 2345 6789 0124", "my aadhaar is <AADHAAR>"),
        ("aadhaar 2345-6789-0124 hai", "aadhaar <AADHAAR> hai"),
        ("234567890124", "<AADHAAR>"),
        ("234567890123", "<NUMBER>"),
        ("आधार २३४५ ६७८९ ०१२४", "आधार <AADHAAR>"),
        ("call me on 9811122233", "call me on <PHONE>"),
        ("+91 98111 22233 pe call karo", "<PHONE> pe call karo"),
        ("mobile: 09811122233", "mobile: <PHONE>"),
        ("919811122233", "<PHONE>"),
        ("mera number ९८१११२२२३३ hai", "mera number <PHONE> hai"),
        ("mail ramesh.kumar+seva@example.co.in please", "mail <EMAIL> please"),
        ("PAN ABCPK1234F", "PAN <PAN>"),
        ("pan abcpk1234f hai", "pan <PAN> hai"),
        ("status DL-TRA-2026-000001", "status DL-TRA-<NUMBER>"),
        ("K number 1234 567 890", "K number <NUMBER>"),
        ("bill 12345", "bill <NUMBER>"),
        ("plot 1234 sector 15, year 2026", "plot 1234 sector 15, year 2026"),
        ("fee 200 rupees", "fee 200 rupees"),
        ("birth certificate chahiye", "birth certificate chahiye"),
    ],
)
def test_personal_numbers_and_addresses_become_placeholders(said, kept):
    assert redact(said) == kept


def test_an_answer_to_a_name_question_is_replaced_whole():
    assert redact("Ramesh Kumar Sharma", answers_name_question=True) == "<NAME>"
    assert redact("रमेश कुमार", answers_name_question=True) == "<NAME>"


def test_names_outside_a_name_question_are_kept_so_trainers_can_read_the_message():
    assert redact("Ramesh ka birth certificate") == "Ramesh ka birth certificate"


def test_a_tapped_payload_is_not_a_name():
    assert redact("/go_back", answers_name_question=True) == "/go_back"


@pytest.mark.parametrize(
    ("text", "style"),
    [
        ("I need a birth certificate", "english"),
        ("can you help me do this", "english"),
        ("जन्म प्रमाण पत्र चाहिए", "devanagari"),
        ("mujhe birth certificate chahiye", "hinglish"),
        ("income certificate kaise banwana hai", "hinglish"),
        ("आय प्रमाण पत्र for my son", "devanagari"),
    ],
)
def test_language_style(text, style):
    assert language_style(text) == style


def test_an_entry_redacts_the_message_and_the_previous_question_and_keeps_the_style_of_the_original():
    entry = json.loads(
        capture_entry(
            "fallback",
            "mera aadhaar 2345 6789 0124 hai",
            "wa-abc",
            previous_question="Is 9811122233 your number?",
            alternatives=[{"intent": f"i{n}", "confidence": 0.1} for n in range(5)],
        )
    )
    assert entry["text"] == "mera aadhaar <AADHAAR> hai"
    assert entry["previous_question"] == "Is <PHONE> your number?"
    assert entry["style"] == "hinglish"
    assert len(entry["alternatives"]) == 3
    assert "2345" not in json.dumps(entry)


def test_an_unknown_reason_is_refused():
    with pytest.raises(ValueError):
        capture_entry("because", "hello", "wa-abc")
