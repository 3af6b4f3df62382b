"""Explicit STOP/START messages always get `opt_out`/`opt_in`, whatever the statistical classifier guessed."""

import pytest
import yaml
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.opt_keywords import OptKeywords, keyword_intent
from tests.servers import ROOT


@pytest.mark.parametrize(
    "text",
    ["STOP", "stop", " Stop. ", "unsubscribe", "please unsubscribe me", "stop sending me messages", "STOP ALL",
     "messages mat bhejo", "msg mat bhejo", "mujhe message mat karo", "ab message mat bhejna", "message band karo",
     "मैसेज मत भेजो", "मुझे संदेश मत भेजिए", "मैसेज बंद करो", "don't send me messages", "do not send any whatsapp",
     "opt out",
     # A bare "don't send": nothing else to send is named.
     "mat bhejo", "ab mat bhejna", "mujhe kuch mat bhejo", "mat bhejo yaar", "अब मुझे कुछ मत भेजो", "मत भेजिए"],
)  # fmt: skip
def test_opt_out_keywords(text):
    assert keyword_intent(text) == "opt_out"


@pytest.mark.parametrize(
    "text", ["START", "start", "Subscribe", "opt-in", "START REVCAMP1", "start mcd-ward12"]
)
def test_opt_in_keywords(text):
    assert keyword_intent(text) == "opt_in"


@pytest.mark.parametrize(
    "text",
    ["where is the bus stop", "message nahi bheja aapne", "मुझे मैसेज नहीं आया", "phir se message bhejo",
     "start my application", "why don't you send the certificate", "stopped at step 3", "start karo application",
     "restart", "document abhi mat bhejo", "form mat bhejo abhi", "mat bhejo, pehle check karo", ""],
)  # fmt: skip
def test_ordinary_messages_are_left_to_the_classifier(text):
    assert keyword_intent(text) is None


def test_the_component_overrides_the_predicted_intent_and_keeps_the_ranking():
    message = Message(data={TEXT: "messages mat bhejo"})
    message.set(INTENT, {"name": "opt_in", "confidence": 0.57})
    message.set(
        INTENT_RANKING_KEY, [{"name": "opt_in", "confidence": 0.57}, {"name": "opt_out", "confidence": 0.4}]
    )
    OptKeywords().process([message])
    assert message.get(INTENT) == {"name": "opt_out", "confidence": 1.0}
    assert [r["name"] for r in message.get(INTENT_RANKING_KEY)] == ["opt_out", "opt_in"]
    untouched = Message(data={TEXT: "namaste", INTENT: {"name": "greet", "confidence": 0.9}})
    OptKeywords().process([untouched])
    assert untouched.get(INTENT) == {"name": "greet", "confidence": 0.9}


def test_the_pipeline_runs_the_keywords_after_diet_and_before_the_fallback():
    names = [c["name"] for c in yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))["pipeline"]]
    assert (
        names.index("DIETClassifier")
        < names.index("bot.nlu.opt_keywords.OptKeywords")
        < names.index("FallbackClassifier")
    )
