"""Taps and document events reach Rasa already parsed, exactly as the model's own NLU parses them (issue 13).

Rasa 3.6 would run the whole pipeline on `/intent{...}` and then overrule it; the channel skips that work.
"""

from pathlib import Path
from types import SimpleNamespace

import pytest
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.domain import Domain

from bot.whatsapp import bot_input

ROOT = Path(__file__).resolve().parents[2]
WA = "919812345678"


def button_payloads(domain: Domain) -> list[str]:
    """Every `/intent...` payload of every button the bot can send."""
    # domain.yml doubles the braces of JSON payloads; Rasa sends them single.
    payloads = {
        button["payload"].replace("{{", "{").replace("}}", "}")
        for variations in domain.responses.values()
        for variation in variations
        for button in variation.get("buttons") or []
        if str(button.get("payload", "")).startswith("/")
    }
    return sorted(payloads)


@pytest.fixture(scope="module")
def agent():
    return Agent.load(str(ROOT / "models" / "seva.tar.gz"))


async def test_every_tap_and_document_event_parses_as_the_model_parses_it(agent):
    channel_events = [
        bot_input.document_received("doc-1", "application/pdf", "राशन कार्ड.pdf"),
        bot_input.document_rejected("too_large"),
        bot_input.unsupported("location"),
        '/apply_service{"service":"birth_certificate"}',
        '/choose_language{"language":"hi"}',
    ]
    payloads = button_payloads(agent.domain)
    assert len(payloads) > 10  # the menu, languages, yes/no, consent...
    for text in payloads + channel_events:
        expected = await agent.processor.parse_message(UserMessage(text))
        assert bot_input.parsed_intent(text, agent.domain) == expected, text


def test_free_text_and_unknown_intents_are_left_to_the_pipeline():
    domain = Domain.from_dict({"intents": ["greet"]})
    assert bot_input.parsed_intent("namaste", domain) is None
    assert bot_input.parsed_intent("/no_such_intent", domain) is None
    assert bot_input.parsed_intent("/greet", None) is None  # no model loaded yet
    assert bot_input.parsed_intent("/greet", domain)["intent"] == {"name": "greet", "confidence": 1.0}


async def test_a_tapped_button_reaches_the_bot_parsed_and_typed_text_does_not(
    make_channel, standin, webhook_port
):
    harness = await make_channel(port=webhook_port)
    domain = Domain.from_dict({"intents": ["apply_service", "greet"], "entities": ["service"]})
    harness.app.ctx.agent = SimpleNamespace(domain=domain)
    payload = '/apply_service{"service":"birth_certificate"}'
    await standin.inbound(**{"from": WA, "type": "button_reply", "id": payload, "title": "Birth"})
    await harness.settle()
    await standin.inbound(**{"from": WA, "type": "text", "text": "/greet"})
    await harness.settle()
    tap, typed = harness.heard
    assert tap.parse_data["intent"]["name"] == "apply_service"
    assert [(e["entity"], e["value"]) for e in tap.parse_data["entities"]] == [
        ("service", "birth_certificate")
    ]
    # A citizen cannot type an intent: the slash is stripped and the text goes through NLU.
    assert typed.text == "greet" and typed.parse_data is None
