"""The text the bot is given for each kind of inbound WhatsApp message (docs/architecture.md)."""

import json
from typing import Any

from rasa.shared.core.domain import Domain
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.whatsapp.inbound import InboundMessage

# The only refusal reasons the bot has responses for.
REJECTION_REASONS = ("corrupt", "encrypted", "too_large", "unsupported_type", "download_failed")
# Kinds that ask for no answer at all: a reply to a reaction or a system notice would be noise.
SILENT_KINDS = ("reaction", "system", "request_welcome", "ephemeral")


def intent(name: str, entities: dict[str, str]) -> str:
    """A Rasa intent message `/name{...}` that skips NLU and carries its entities."""
    return "/" + name + json.dumps(entities, ensure_ascii=False, separators=(",", ":"))


def parsed_intent(text: str, domain: Domain | None) -> dict[str, Any] | None:
    """What NLU would make of an intent message (a button tap, a document event), or None for anything else.

    Rasa 3.6 runs the whole NLU pipeline (tokenizer, featurizers, DIET) on `/intent{...}` too, and only its
    last node, RegexMessageHandler, replaces the result with the intent written in the text. Parsing it
    the same way here and handing it to Rasa as the message's parse data skips that work: a third of
    the turns under load are taps and documents (README, issue 13). Intents the domain does not know are
    left to the pipeline, as before.
    """
    if domain is None or not text.startswith("/"):
        return None
    message = YAMLStoryReader.unpack_regex_message(
        Message(data={TEXT: text}), domain, entity_extractor_name="RegexMessageHandler"
    )
    if message.get(INTENT) is None:
        return None
    parse_data: dict[str, Any] = {
        TEXT: "",
        INTENT: {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0},
        ENTITIES: [],
    }
    parse_data.update(message.as_dict(only_output_properties=True))
    return parse_data


def document_received(document_id: str, mime_type: str, filename: str) -> str:
    """What the bot hears when a citizen's document is safely in the back-office store."""
    return intent(
        "document_received", {"document_id": document_id, "mime_type": mime_type, "filename": filename}
    )


def document_rejected(reason: str) -> str:
    """What the bot hears when a citizen's document could not be taken, and why."""
    if reason not in REJECTION_REASONS:
        raise ValueError(f"unknown rejection reason {reason!r}")
    return intent("document_rejected", {"reason": reason})


def unsupported(kind: str) -> str:
    """What the bot hears for a message it cannot read (location, voice note, sticker...)."""
    return intent("unsupported_message", {"kind": kind or "unsupported"})


def text_for(message: InboundMessage) -> str | None:
    """The bot's text for a non-media message, or None when the message deserves no answer."""
    if message.kind in SILENT_KINDS:
        return None
    if message.kind == "text":
        # A citizen must not be able to type an intent such as /document_received{...}.
        return (message.said or "").lstrip("/ ")
    if message.said is not None and message.kind in ("interactive", "button"):
        return message.said
    return unsupported(message.kind)
