"""What simulated citizens say to Seva: whole visits in an order the bot answers, mixed like real traffic.

A citizen goes through the visits of `CYCLE` one after the other, starting at a visit picked by its
number, so that even the first seconds of a run mix greetings, typed requests in English, Devanagari
Hindi and romanized Hindi, menu taps, form answers, status checks and photos. Over the whole cycle
photos are about 5 % of the messages. Button and list payloads are the ones domain.yml and the actions
send, as tests/e2e/ taps them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from tests.actions.sample_answers import AADHAAR


@dataclass(frozen=True)
class Say:
    """One message of a citizen: its WhatsApp type, text or payload, and its kind in the mix."""

    type: str  # text, button_reply, list_reply or image
    value: str = ""  # the text, or the payload of the button or row tapped
    kind: str = "text"  # text, tap, form, status or photo


def text(value: str, kind: str = "text") -> Say:
    """A typed message."""
    return Say("text", value, kind)


def button(payload: str, kind: str = "tap") -> Say:
    """A tap on a reply button."""
    return Say("button_reply", payload, kind)


def row(payload: str, kind: str = "tap") -> Say:
    """A tap on a list row."""
    return Say("list_reply", payload, kind)


PHOTO = Say("image", kind="photo")
ENGLISH = button('/choose_language{"language":"en"}')
HINDI = button('/choose_language{"language":"hi"}')

# English, all by menu: a grievance from start to submission, with the optional photo of the problem.
GRIEVANCE_BY_MENU = (
    text("Hi"),
    ENGLISH,
    row("/apply_service"),
    row('/choose_department{"department":"public_grievances"}'),
    row('/apply_service{"service":"grievance"}'),
    row('/inform{"option":"mcd"}', "form"),
    text("The garbage on our street has not been picked up for a week", "form"),
    text("Gali 4, Laxmi Nagar, near the park", "form"),
    text("Ramesh Kumar", "form"),
    text("9811122233", "form"),
    button("/affirm"),
    PHOTO,
    text("status of my application", "status"),
    text("thank you"),
)
# Romanized Hindi: the service named in a sentence, every question answered, a side question, then cancelled.
INCOME_IN_HINGLISH = (
    text("income certificate chahiye"),
    text("Ramesh Kumar", "form"),
    text("Suresh Kumar", "form"),
    text("12/03/1990", "form"),
    text("what is the fee?"),
    button('/inform{"option":"education"}', "form"),
    text("85000", "form"),
    text(f"{AADHAAR[:4]} {AADHAAR[4:8]} {AADHAAR[8:]}", "form"),
    text("9811122233", "form"),
    text("House 12, Gali 4, Laxmi Nagar", "form"),
    text("110092", "form"),
    text("cancel"),
    button("/affirm"),
)
# Devanagari Hindi: a request, a first answer, a question about documents, cancelled, then the status.
INCOME_IN_HINDI = (
    text("नमस्ते"),
    HINDI,
    text("मुझे आय प्रमाण पत्र चाहिए"),
    text("रमेश कुमार", "form"),
    text("आय प्रमाण पत्र के लिए कौन से दस्तावेज़ चाहिए?"),
    text("रद्द करें"),
    button("/affirm"),
    text("मेरे आवेदन का स्टेटस क्या है", "status"),
    text("धन्यवाद"),
)
STATUS_CHECK = (
    text("status of my application", "status"),
    text("menu"),
    row("/check_status", "status"),
    text("thank you"),
)
# A photo with no word first, as people send one, then the menu; asks for a person, and goes back to the bot.
# (While handed over the bot answers only *menu* and STOP: an officer answers the rest, which the bench
# would count as lost.)
PHOTO_FIRST = (
    PHOTO,
    text("Hi"),
    ENGLISH,
    row("/talk_to_human"),
    text("menu"),
)
CYCLE = (GRIEVANCE_BY_MENU, INCOME_IN_HINGLISH, INCOME_IN_HINDI, STATUS_CHECK, PHOTO_FIRST)


@cache
def _from_visit(start: int) -> tuple[Say, ...]:
    return tuple(say for visit in CYCLE[start:] + CYCLE[:start] for say in visit)


def say(citizen: int, step: int) -> Say:
    """Message number `step` of citizen number `citizen`: the cycle of visits, from the citizen's own first visit."""
    messages = _from_visit(citizen % len(CYCLE))
    return messages[step % len(messages)]
