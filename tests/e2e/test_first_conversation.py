"""A citizen's first conversation, end to end: WhatsApp stand-in → signed webhook → Rasa → Graph API."""

import pytest

from tests.e2e.phone import choice, choices_of, text_of


def test_hi_gets_bilingual_welcome_and_language_choice(stack, citizen):
    seq = stack.last_seq(citizen)
    assert stack.say(citizen, "Hi")["webhook_status"] == 200
    [welcome] = stack.replies(citizen, seq)
    assert "Welcome" in text_of(welcome) and "स्वागत" in text_of(welcome)
    assert [c["title"] for c in choices_of(welcome)] == ["English", "हिंदी"]


def test_choosing_hindi_gives_hindi_menu_and_is_remembered_next_session(stack, citizen):
    seq = stack.last_seq(citizen)
    stack.say(citizen, "hello")
    [welcome] = stack.replies(citizen, seq)

    seq = stack.last_seq(citizen)
    stack.tap(citizen, choice(welcome, "हिंदी"))
    confirmation, menu = stack.replies(citizen, seq, expect=2)
    assert "हिंदी" in text_of(confirmation)
    assert menu["body"]["interactive"]["type"] == "list"  # five choices do not fit three buttons
    assert [c["title"] for c in choices_of(menu)] == [
        "सेवा के लिए आवेदन",
        "आवेदन की स्थिति",
        "बिल या टैक्स भरें",
        "किसी व्यक्ति से बात",
        "भाषा बदलें",
    ]

    # A new session (as after an hour's silence) keeps the choice.
    stack.new_session(citizen)
    seq = stack.last_seq(citizen)
    stack.say(citizen, "namaste")
    welcome_back, menu_again = stack.replies(citizen, seq, expect=2)
    assert "स्वागत" in text_of(welcome_back) and "Welcome" not in text_of(welcome_back)
    assert choices_of(menu_again) == choices_of(menu)
    # The language buttons carry their JSON payloads without Rasa logging them (and the slots) as errors.
    assert choice(welcome, "हिंदी")["id"] == '/choose_language{"language":"hi"}'
    assert "interpolator.interpolate.text" not in (stack.logs / "rasa.log").read_text(errors="replace")


def test_devanagari_greeting_still_offers_the_language_choice(stack, citizen):
    seq = stack.last_seq(citizen)
    stack.say(citizen, "नमस्ते")
    [welcome] = stack.replies(citizen, seq)
    assert [c["title"] for c in choices_of(welcome)] == ["English", "हिंदी"]


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("Apply for a service", "Which department"),
        ("Track my application", "no applications yet"),
        ("Pay a bill or tax", "What would you like to pay"),
        ("Talk to a person", "officer of"),  # queued, or told no officer is online
    ],
)
def test_menu_entries_answer_politely_in_english(stack, citizen, entry, expected):
    seq = stack.last_seq(citizen)
    stack.say(citizen, "Hi")
    [welcome] = stack.replies(citizen, seq)
    seq = stack.last_seq(citizen)
    stack.tap(citizen, choice(welcome, "English"))
    _, menu = stack.replies(citizen, seq, expect=2)
    seq = stack.last_seq(citizen)
    stack.tap(citizen, choice(menu, entry))
    [answer] = stack.replies(citizen, seq)
    assert expected in text_of(answer)


def test_location_gets_a_polite_bilingual_capable_reply(stack, citizen):
    seq = stack.last_seq(citizen)
    stack.post(
        "/_standin/inbound",
        {
            "from": citizen,
            "phone_number_id": "100000000000001",
            "type": "location",
            "latitude": 28.61,
            "longitude": 77.2,
        },
    )
    [answer] = stack.replies(citizen, seq)
    assert "Sorry" in text_of(answer)
