"""The held-out scoring of a round: accuracy, per-intent F1 and confusions, with a fallback counted as a miss."""

from bot.model_round import evaluate


def parse(intent: str | None) -> dict:
    return {"intent": {"name": intent, "confidence": 0.9}}


def test_accuracy_f1_and_confusions():
    messages = [{"intent": i} for i in ("greet", "greet", "thank", "thank")]
    result = evaluate(messages, [parse("greet"), parse("thank"), parse("thank"), parse("nlu_fallback")])
    assert result["accuracy"] == 0.5
    assert result["per_intent"]["greet"] == {"precision": 1.0, "recall": 0.5, "f1": 2 / 3, "support": 2}
    assert (
        result["per_intent"]["thank"]["precision"] == 0.5 and result["per_intent"]["thank"]["recall"] == 0.5
    )
    assert result["confusions"] == [
        {"expected": "greet", "got": "thank", "count": 1},
        {"expected": "thank", "got": "nlu_fallback", "count": 1},
    ]


def test_no_intent_at_all_is_a_fallback():
    assert evaluate([{"intent": "greet"}], [parse(None)])["confusions"][0]["got"] == "nlu_fallback"
