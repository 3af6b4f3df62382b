"""Rasa NLU component that classifies STOP/START-style messages as `opt_out`/`opt_in` by keyword, never by guess.

An opt-out must always be honoured (WhatsApp Business policy), and a classifier that confuses
"messages mat bhejo" with "messages bhejo" would sign a citizen up instead. So explicit keywords
override whatever DIET predicted.
"""

from __future__ import annotations

import re

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.untrained import UntrainedComponent

_MESSAGES = r"(?:messages?|msgs?|sms|whatsapp|मैसेज|मेसेज|संदेश|सन्देश)"
# Imperatives only: "message nahi bheja" is a complaint, not an opt-out.
_SEND = r"(?:bhejo|bhejna|bhejiye|bhejie|bheje|bhejen|भेजो|भेजना|भेजिए|भेजें|भेजे|send|karo|karna|kariye|करो|करना|करें|कीजिए)"
_NOT = r"(?:mat|na|nahi|nahin|mt|मत|ना|नहीं|नही|don'?t|do not|never)"
# Words that may stand around a bare "mat bhejo" without giving it an object ("ab mat bhejo mujhe kuch").
_BARE_WORDS = r"(?:ab|abhi|mujhe|muje|kuch|kuchh|koi|aur|please|plz|yaar|bhai|ji|se|मुझे|कुछ|अब|और|कृपया)"
OPT_OUT = re.compile(
    rf"^\W*(?:stop|unsubscribe|opt[ -]?out|stop all)\W*$"
    rf"|\bunsubscribe\b"
    rf"|\bstop\s+(?:sending|all|{_MESSAGES})"
    rf"|{_MESSAGES}.{{0,30}}?(?<!\w){_NOT}\s+{_SEND}"
    rf"|(?<!\w){_NOT}\s+{_SEND}.{{0,20}}?{_MESSAGES}"
    rf"|{_MESSAGES}\s+(?:band|बंद)\s*(?:karo|kar do|करो|कर दो|करें)"
    # A bare "don't send (me anything)": nothing else is said, so nothing else can be meant.
    rf"|^\W*(?:{_BARE_WORDS}\s+)*{_NOT}\s+(?:bhejo|bhejna|bhejiye|भेजो|भेजना|भेजिए|भेजें)(?:\s+{_BARE_WORDS})*\W*$",
    re.IGNORECASE,
)
# "START <campaign>" comes from a QR poster or link; campaign codes carry a digit, unlike "start karo".
OPT_IN = re.compile(
    r"^\W*(?:start|subscribe|unstop|opt[ -]?in)\W*$|^\W*start\s+[A-Za-z][A-Za-z0-9_-]{0,22}\d[A-Za-z0-9_-]{0,22}\W*$",
    re.IGNORECASE,
)


def keyword_intent(text: str) -> str | None:
    """Return `opt_out` or `opt_in` when the text says so in so many words, else None."""
    if OPT_OUT.search(text):
        return "opt_out"
    if OPT_IN.search(text):
        return "opt_in"
    return None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class OptKeywords(UntrainedComponent):
    """Overrides the predicted intent with `opt_out`/`opt_in` for explicit STOP/START messages."""

    def process(self, messages: list[Message]) -> list[Message]:
        """Set the intent of STOP/START messages with full confidence, keeping the rest of the ranking."""
        for message in messages:
            name = keyword_intent(message.get(TEXT) or "")
            if name is None:
                continue
            intent = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: 1.0}
            ranking = [r for r in message.get(INTENT_RANKING_KEY, []) if r.get(INTENT_NAME_KEY) != name]
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [intent, *ranking], add_to_output=True)
        return messages
