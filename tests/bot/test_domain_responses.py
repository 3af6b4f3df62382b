"""Every bilingual response picks its citizen's language: Rasa draws at random among all matching conditional
variations, so a Hindi variation must never compete with an English one for the same slots."""

import itertools
from pathlib import Path

import pytest
import yaml
from rasa.core.nlg.generator import ResponseVariationFilter

DOMAIN = yaml.safe_load((Path(__file__).resolve().parents[2] / "domain.yml").read_text(encoding="utf-8"))
RESPONSES = DOMAIN["responses"]


def hindi(variation: dict) -> bool:
    """Whether a variation is the Hindi one (conditioned on language = hi)."""
    return {"name": "language", "value": "hi"} in [
        {"name": c["name"], "value": c["value"]} for c in variation.get("condition") or []
    ]


def slot_states(variations: list[dict]) -> list[dict]:
    """Each language with every combination of the other slots the variations are conditioned on (or unset)."""
    values: dict[str, set] = {}
    for variation in variations:
        for condition in variation.get("condition") or []:
            if condition["name"] != "language":
                values.setdefault(condition["name"], {None}).add(condition["value"])
    names = sorted(values)
    combos = itertools.product(*(sorted(values[n], key=str) for n in names))
    return [
        {"language": lang, **dict(zip(names, combo, strict=True))}
        for combo in combos
        for lang in ("en", "hi")
    ]


BILINGUAL = sorted(name for name, variations in RESPONSES.items() if any(map(hindi, variations)))


def test_the_payment_and_certificate_responses_are_bilingual():
    for name in ("utter_payment_link", "utter_choose_bill", "utter_ask_upic", "utter_certificate_resent"):
        assert name in BILINGUAL


@pytest.mark.parametrize("name", BILINGUAL)
def test_one_language_per_slot_state(name):
    pick = ResponseVariationFilter(RESPONSES)
    for slots in slot_states(RESPONSES[name]):
        candidates = pick.responses_for_utter_action(name, "whatsapp", slots)
        assert candidates, (name, slots)
        wanted = slots["language"] == "hi"
        assert all(hindi(c) == wanted for c in candidates), (
            name,
            slots,
            [c["text"][:40] for c in candidates],
        )
