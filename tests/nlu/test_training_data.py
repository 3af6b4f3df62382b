"""The NLU training data: generated from the catalog, rich enough per service, and disjoint from the held-out set."""

import re
from collections import Counter, defaultdict

import pytest
import yaml

from bot.nlu.service_matcher import ServiceMatcher
from catalog import load_catalog
from catalog.training_examples import OUTPUT, comparable, generate, heldout_texts
from tests.servers import ROOT

NLU_DIR = ROOT / "data" / "nlu"
REQUIRED_INTENTS = {"greet", "check_status", "talk_to_human", "opt_out", "change_language", "affirm", "deny"}


def training_examples() -> list[tuple[str, str]]:
    """Every (intent, text) pair in data/nlu."""
    pairs = []
    for path in sorted(NLU_DIR.glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            pairs += [
                (block["intent"], line.strip()[2:]) for line in block["examples"].splitlines() if line.strip()
            ]
    return pairs


def language_group(text: str) -> str:
    """Devanagari means Hindi; romanised text is English or Hinglish, which the test does not need to tell apart."""
    return "hi" if re.search(r"[\u0900-\u097F]", text) else "latin"


def test_the_committed_service_examples_are_what_the_catalog_generates(catalog):
    assert OUTPUT.read_text(encoding="utf-8") == generate(catalog, exclude=heldout_texts()), (
        "data/nlu/services.yml is stale: run `.venv-rasa/bin/python -m catalog.training_examples`"
    )


def test_every_service_has_at_least_15_varied_examples_in_hindi_and_roman_script(catalog, matcher):
    per_service = defaultdict(Counter)
    for _, text in training_examples():
        found = matcher.find(text)
        if found:
            per_service[found.service_id][language_group(text)] += 1
    for service_id in catalog:
        counts = per_service[service_id]
        assert sum(counts.values()) >= 15, (service_id, counts)
        assert counts["hi"] >= 5 and counts["latin"] >= 10, (service_id, counts)


def test_the_required_intents_keep_their_names_and_all_intents_are_in_the_domain():
    intents = {intent for intent, _ in training_examples()}
    domain_intents = set(yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["intents"])
    assert intents >= REQUIRED_INTENTS
    assert intents <= domain_intents


def test_no_example_is_listed_twice():
    counts = Counter(comparable(text) for _, text in training_examples())
    assert [text for text, n in counts.items() if n > 1] == []


def test_no_held_out_message_is_trained_on():
    held = heldout_texts()
    assert [text for _, text in training_examples() if comparable(text) in held] == []


def test_the_held_out_set_is_large_balanced_and_covers_every_service_and_core_intent(catalog):
    messages = yaml.safe_load((ROOT / "tests" / "nlu" / "heldout.yml").read_text(encoding="utf-8"))[
        "messages"
    ]
    assert len(messages) >= 150
    by_lang = Counter(m["lang"] for m in messages)
    assert set(by_lang) == {"en", "hi", "hinglish"} and min(by_lang.values()) >= 45
    assert {m["service"] for m in messages} - {None} == set(catalog)
    assert {m["intent"] for m in messages} >= REQUIRED_INTENTS
    assert all(m["lang"] == "hi" for m in messages if language_group(m["text"]) == "hi")


@pytest.mark.parametrize("group", ["en", "hi", "hinglish"])
def test_a_26th_service_gets_training_examples_without_code_changes(catalog_with_extra_service, group):
    catalog = load_catalog(catalog_with_extra_service)
    generated = generate(catalog)
    matcher = ServiceMatcher(catalog)
    named = [line[8:] for line in generated.splitlines() if line.startswith("      - ")]
    hits = [t for t in named if (m := matcher.find(t)) and m.service_id == "civil_defence_volunteer"]
    assert len(hits) >= 15
    synonyms = catalog["civil_defence_volunteer"].synonyms[group]
    assert any(s.casefold() in t.casefold() for t in hits for s in synonyms)
