"""What a CSC operator reads in the web chat is worded for the counter: no WhatsApp-only steps (📎, taps, WhatsApp
payments), in Hindi and in English, while WhatsApp keeps its own wording.

Rasa chooses a response's `channel: csc` variation by the output channel's name, so these run the real
generator over domain.yml with the name the CSC channel's output gives.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels.csc import CscChatOutput
from bot.channels.whatsapp import WhatsAppOutput

DOMAIN = Domain.load(Path(__file__).parents[2] / "domain.yml")
GENERATOR = TemplatedNaturalLanguageGenerator(DOMAIN.responses)
WHATSAPP_ONLY = re.compile(r"WhatsApp|व्हाट्सऐप|📎|📷|\btap|\bTap|दबाएँ|टैप")
DEVANAGARI = re.compile(r"[\u0900-\u097F]")
# Never said in the CSC chat: actions/payments.py sends a counter's payment to the desk (actions/csc_counter.py)
# before any of these, and actions/consent.py answers START/STOP at a counter without WhatsApp consent.
NOT_AT_A_COUNTER = {
    "utter_payment_link",
    "utter_payment_upi",
    "utter_payment_whatsapp_sent",
    "utter_opt_in",
    "utter_opt_out",
    "utter_opt_in_updates",
    "utter_opt_out_updates",
    "utter_get_updates",
}


async def said(response: str, channel: str, language: str) -> str:
    tracker = DialogueStateTracker.from_events("csc-1", [SlotSet("language", language)], slots=DOMAIN.slots)
    message = await GENERATOR.generate(response, tracker, channel, progress="1/4", document="Aadhaar card")
    assert message is not None, response
    titles = [b["title"] for b in message.get("buttons") or []]
    return "\n".join([message.get("text") or "", *titles])


@pytest.mark.parametrize("language", ["en", "hi"])
async def test_nothing_a_csc_operator_reads_asks_for_a_whatsapp_only_step(language):
    worded = {r: await said(r, CscChatOutput.name(), language) for r in DOMAIN.responses}
    whatsapp_only = {r: t for r, t in worded.items() if WHATSAPP_ONLY.search(t) and r not in NOT_AT_A_COUNTER}
    assert whatsapp_only == {}


async def test_the_counter_is_told_to_upload_the_scan_in_the_citizens_language():
    english = await said("utter_ask_document", CscChatOutput.name(), "en")
    hindi = await said("utter_ask_document", CscChatOutput.name(), "hi")
    assert "*Upload scan*" in english and "Aadhaar card" in english and not DEVANAGARI.search(english)
    assert "*स्कैन अपलोड*" in hindi and "Aadhaar card" in hindi


async def test_whatsapp_keeps_its_own_wording():
    assert "📎" in await said("utter_ask_document", WhatsAppOutput.name(), "en")
    assert "व्हाट्सऐप" in await said("utter_ask_document", WhatsAppOutput.name(), "hi")
    assert "Tap *Send answer*" in await said("utter_query_help", WhatsAppOutput.name(), "en")
