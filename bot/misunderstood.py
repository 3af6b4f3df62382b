"""Which messages of a turn the bot misunderstood, as trainer-inbox entries (see trainer_capture/contract.py).

The tracker store calls `entries()` with the events a turn added and pushes the result in the same Redis
pipeline that saves them: no extra round trip, no write to the back-office, nothing when the bot understood.
A message counts when the bot fell back, when its intent's confidence was below the threshold, when the
citizen's next message corrects it ("no, I meant…"), or when the citizen then asked for a person.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, Event, UserUttered

from trainer_capture.contract import CORRECTION, FALLBACK, HANDOVER, LOW_CONFIDENCE, capture_entry
from trainer_capture.names import asks_for_name, name_questions

FALLBACK_INTENT = "nlu_fallback"
FALLBACK_ACTIONS = frozenset({"action_default_fallback", "utter_default", "action_two_stage_fallback"})
HANDOVER_INTENT = "talk_to_human"
# "no, I meant…", "none of these", in English, romanized Hindi and Devanagari.
_CORRECTION = re.compile(
    r"^\s*(no+|nahi+n?|nahin|na)\b[\s,.!]*(i\s+mean|i\s+meant|i\s+want(ed)?|mera\s+matlab|matlab)"
    r"|\bnone\s+of\s+(these|them|this)\b|\bkoi\s+(bhi\s+)?nahi\b|मेरा\s+मतलब|नहीं,?\s*मैं|इनमें\s+से\s+कोई\s+नहीं",
    re.IGNORECASE,
)


def is_correction(text: str) -> bool:
    """Whether the citizen says the bot got their previous message wrong."""
    return bool(_CORRECTION.search(text))


@dataclass(frozen=True)
class CaptureRules:
    """What counts as misunderstood: the confidence below which an understood message is still kept."""

    threshold: float = 0.7
    name_questions: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def from_env(cls) -> CaptureRules:
        """`SEVA_TRAINER_CONFIDENCE` (default 0.7); name questions from the catalog."""
        return cls(float(os.environ.get("SEVA_TRAINER_CONFIDENCE", "0.7")), name_questions())


def typed_messages(events: list[Event], first_new: int) -> int:
    """How many messages among `events[first_new:]` the citizen typed (taps and payloads are not NLU's)."""
    return sum(isinstance(e, UserUttered) and not _is_payload(e) for e in events[max(first_new, 0) :])


def entries(sender_id: str, events: list[Event], first_new: int, rules: CaptureRules) -> list[str]:
    """Inbox entries for the user messages among `events[first_new:]` (the turn's), and the ones they correct."""
    found: list[str] = []
    for index in range(max(first_new, 0), len(events)):
        event = events[index]
        if not isinstance(event, UserUttered) or _is_payload(event):
            continue
        answered_by = _actions_after(events, index)
        corrects = is_correction(event.text or "")
        if corrects or _intent_name(event) == HANDOVER_INTENT:
            earlier = _previous_typed(events, index)
            if earlier is not None:
                found.append(_entry(sender_id, events, earlier, CORRECTION if corrects else HANDOVER, rules))
        fell_back = _intent_name(event) == FALLBACK_INTENT or bool(FALLBACK_ACTIONS & answered_by)
        if fell_back:
            found.append(_entry(sender_id, events, index, FALLBACK, rules))
        elif _intent_name(event) != HANDOVER_INTENT:
            # The confidence first: an understood turn (most of them) then costs no look back at the session.
            predicted, confidence, _ = _prediction(event)
            low = predicted and confidence is not None and confidence < rules.threshold
            if low and _active_form(events, index) is None:
                found.append(_entry(sender_id, events, index, LOW_CONFIDENCE, rules))
    return found


def _entry(sender_id: str, events: list[Event], index: int, reason: str, rules: CaptureRules) -> str:
    message = events[index]
    question = _previous_question(events, index)
    intent, confidence, alternatives = _prediction(message)
    return capture_entry(
        reason,
        message.text or "",
        sender_id,
        message_id=message.message_id,
        number=((message.metadata or {}).get("whatsapp") or {}).get("phone_number_id"),
        intent=intent,
        confidence=confidence,
        alternatives=alternatives,
        previous_question=question,
        active_form=_active_form(events, index),
        answers_name_question=asks_for_name(question, rules.name_questions),
    )


def _is_payload(event: UserUttered) -> bool:
    return (event.text or "").startswith("/") or not (event.text or "").strip()


def _intent_name(event: UserUttered) -> str | None:
    return (event.intent or {}).get("name")


def _prediction(event: UserUttered) -> tuple[str | None, float | None, list[dict]]:
    """The classifier's own best intent (under a fallback), its confidence, and the next 3."""
    ranking = [
        {"intent": r.get("name"), "confidence": round(float(r.get("confidence") or 0), 4)}
        for r in (event.parse_data or {}).get("intent_ranking") or []
        if r.get("name") and r.get("name") != FALLBACK_INTENT
    ]
    if not ranking:
        intent = event.intent or {}
        name = intent.get("name")
        if not name or name == FALLBACK_INTENT:
            return None, None, []
        return name, float(intent.get("confidence") or 0), []
    return ranking[0]["intent"], ranking[0]["confidence"], ranking[1:4]


def _actions_after(events: list[Event], index: int) -> set[str]:
    names: set[str] = set()
    for event in events[index + 1 :]:
        if isinstance(event, UserUttered):
            break
        if isinstance(event, ActionExecuted) and event.action_name:
            names.add(event.action_name)
    return names


def _previous_typed(events: list[Event], index: int) -> int | None:
    """The citizen's previous typed (not tapped) message, within the same conversation session."""
    for earlier in range(index - 1, -1, -1):
        event = events[earlier]
        if isinstance(event, ActionExecuted) and event.action_name == "action_session_start":
            return None
        if isinstance(event, UserUttered) and not _is_payload(event):
            return earlier
    return None


def _previous_question(events: list[Event], index: int) -> str | None:
    return next(
        (e.text for e in reversed(events[:index]) if isinstance(e, BotUttered) and e.text),
        None,
    )


def _active_form(events: list[Event], index: int) -> str | None:
    return next((e.name for e in reversed(events[:index]) if isinstance(e, ActiveLoop)), None)
