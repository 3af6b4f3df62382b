"""Rendering Rasa bot messages into Cloud API bodies within Meta's limits."""

from bot.whatsapp.outbound import (
    MORE_PREFIX,
    Choice,
    Recipient,
    envelope,
    fit,
    render_choices,
    render_message,
    split_text,
)
from whatsapp_contract import limits

MORE = MORE_PREFIX + "tok"


def choices(n, title="Service {}"):
    return [Choice(title.format(i), f'/apply{{"service":{i}}}') for i in range(n)]


def interactive(rendered):
    return rendered.contents[-1]["interactive"]


def test_up_to_three_choices_are_reply_buttons():
    rendered = render_choices("Choose your language", [Choice("English", "/en"), Choice("हिंदी", "/hi")], MORE)
    box = interactive(rendered)
    assert box["type"] == "button"
    assert [b["reply"] for b in box["action"]["buttons"]] == [
        {"id": "/en", "title": "English"},
        {"id": "/hi", "title": "हिंदी"},
    ]
    assert rendered.rest == []


def test_four_to_ten_choices_are_one_list():
    for n in (4, 10):
        box = interactive(render_choices("Pick one", choices(n), MORE))
        assert box["type"] == "list"
        rows = box["action"]["sections"][0]["rows"]
        assert [r["id"] for r in rows] == [c.payload for c in choices(n)]
        assert box["action"]["button"] == "Choose"


def test_more_than_ten_choices_are_paged_with_a_more_row():
    rendered = render_choices("Pick one", choices(23), MORE)
    rows = interactive(rendered)["action"]["sections"][0]["rows"]
    assert len(rows) == limits.MAX_ROWS
    assert rows[-1] == {"id": MORE, "title": "More…"}
    assert [r["id"] for r in rows[:9]] == [c.payload for c in choices(23)[:9]]
    assert rendered.rest == choices(23)[9:]
    second = render_choices(rendered.rest_text, rendered.rest, MORE + "2", next_page=True)
    assert second.rest == choices(23)[18:]
    last = render_choices(second.rest_text, second.rest, MORE + "3", next_page=True)
    assert last.rest == [] and len(interactive(last)["action"]["sections"][0]["rows"]) == 5
    # Even two choices left stay a list page rather than turning into buttons.
    tail = render_choices("Pick one", choices(2), MORE, next_page=True)
    assert interactive(tail)["type"] == "list"


def test_hindi_lists_get_hindi_labels():
    box = interactive(render_choices("सेवा चुनें", choices(12, "सेवा {}"), MORE))
    assert box["action"]["button"] == "चुनें"
    assert box["action"]["sections"][0]["rows"][-1]["title"] == "और…"


def test_titles_are_fitted_at_word_boundaries():
    assert fit("Apply for a birth certificate", 20) == "Apply for a birth…"
    assert fit("जन्म प्रमाण पत्र के लिए आवेदन", 20) == "जन्म प्रमाण पत्र के…"
    assert fit("Short", 20) == "Short"
    assert len(fit("Antidisestablishmentarianism", 20)) == 20
    # A cut inside a long Hindi word never separates a vowel sign from its letter.
    assert fit("किताबकिताबकिताब", 4) == "कि…"


def test_fitted_list_row_keeps_the_full_title_in_its_description():
    long = "Certificate of residence for school admission"
    box = interactive(render_choices("Pick", [Choice(long, "/a")] + choices(4), MORE))
    row = box["action"]["sections"][0]["rows"][0]
    assert len(row["title"]) <= limits.ROW_TITLE and row["title"].endswith("…")
    assert row["description"] == long


def test_button_titles_stay_unique_after_fitting():
    same = [Choice("Property tax payment online", "/a"), Choice("Property tax payment offline", "/b")]
    titles = [b["reply"]["title"] for b in interactive(render_choices("x", same, MORE))["action"]["buttons"]]
    assert len(set(titles)) == 2 and all(len(t) <= limits.BUTTON_TITLE for t in titles)


def test_long_text_is_split_at_4096_on_paragraph_then_word_boundaries():
    paragraph = "Delhi services. " * 200
    parts = split_text(paragraph + "\n\n" + paragraph)
    assert all(len(p) <= 4096 for p in parts)
    assert parts[0] == paragraph.strip()
    words = split_text("word " * 3000)
    assert all(len(p) <= 4096 and not p.startswith(" ") for p in words)
    assert " ".join(words) == ("word " * 3000).strip()
    assert split_text("x" * 5000) == ["x" * 4096, "x" * 904]


def test_text_longer_than_a_button_body_goes_first_as_plain_text():
    text = "Please read. " * 150
    rendered = render_choices(text, [Choice("OK", "/ok")], MORE)
    assert rendered.contents[0]["type"] == "text"
    assert len(interactive(rendered)["body"]["text"]) <= limits.BUTTON_BODY
    joined = " ".join([rendered.contents[0]["text"]["body"], interactive(rendered)["body"]["text"]])
    assert joined == text.strip()


def test_media_messages_from_custom_json_and_image():
    rendered = render_message(
        {
            "text": "Your certificate",
            "custom": {
                "document": {"link": "https://x/c.pdf", "filename": "certificate.pdf", "caption": "Here"}
            },
            "image": "https://x/qr.png",
        },
        MORE,
    )
    assert [c["type"] for c in rendered.contents] == ["text", "document", "image"]
    assert rendered.contents[1]["document"] == {
        "link": "https://x/c.pdf",
        "caption": "Here",
        "filename": "certificate.pdf",
    }
    assert rendered.contents[2]["image"] == {"link": "https://x/qr.png"}
    by_id = render_message({"custom": {"document": {"id": "123"}}}, MORE)
    assert by_id.contents[0]["document"] == {"id": "123", "filename": "document.pdf"}


def test_envelope_addresses_phone_numbers_with_to_and_usernames_with_recipient():
    body = {"type": "text", "text": {"body": "hi"}}
    assert envelope(Recipient("1", wa_id="919812345678"), body)["to"] == "919812345678"
    by_user = envelope(Recipient("1", user_id="IN.1502576394655843"), body)
    assert by_user["recipient"] == "IN.1502576394655843" and "to" not in by_user
