"""Model rounds: the promotion rule, promotion to every Rasa instance, a refusal, rollback, a failed training."""

from __future__ import annotations

import pytest

from backoffice.extensions import db
from backoffice.trainer import rounds
from backoffice.trainer.models import ModelRound
from tests.backoffice.conftest import csrf_token


def evaluation(accuracy: float, **f1: float) -> dict:
    return {"n": 100, "accuracy": accuracy, "confusions": [],
            "per_intent": {i: {"f1": v, "precision": v, "recall": v, "support": 10} for i, v in f1.items()}}  # fmt: skip


@pytest.mark.parametrize(
    ("after", "promotable"),
    [
        (evaluation(0.95, greet=0.90, apply_service=0.95), True),  # better
        (evaluation(0.93, greet=0.90, apply_service=0.95), True),  # same
        (evaluation(0.929, greet=0.90, apply_service=0.95), False),  # worse overall
        (evaluation(0.95, greet=0.88, apply_service=0.99), True),  # one intent down exactly 2 points
        (evaluation(0.95, greet=0.879, apply_service=0.99), False),  # down more than 2 points
        (evaluation(0.95, apply_service=0.99), False),  # an intent no longer predicted at all
    ],
)
def test_a_round_is_promotable_only_when_not_worse_overall_and_no_intent_drops_more_than_2_points(
    after, promotable
):
    before = evaluation(0.93, greet=0.90, apply_service=0.95)
    assert rounds.verdict(before, after)["promotable"] is promotable


def evaluated_round(app, model_file: str, promotable: bool = True) -> int:
    with app.app_context():
        before, after = evaluation(0.9, greet=0.9), evaluation(0.95 if promotable else 0.8, greet=0.9)
        round_ = ModelRound(kind="train", status="evaluated", started_by=1, model_file=model_file,
                            report={"before": before, "after": after, "verdict": rounds.verdict(before, after)})  # fmt: skip
        db.session.add(round_)
        db.session.commit()
        return round_.id


def post(client, path: str):
    return client.post(
        path, data={"csrf_token": csrf_token(client, "/trainer/models")}, follow_redirects=True
    )


def test_promotion_loads_the_model_into_every_instance_records_it_and_one_click_rolls_back(
    client, auth, trainers, app, rasa_doubles
):
    first, second = rasa_doubles(2)
    base = app.config["TRAINER_BASE_MODEL"]
    one = evaluated_round(app, "/models/trainer/round-1.tar.gz")
    auth.login("asha.trainer")
    page = post(client, f"/trainer/rounds/{one}/promote").get_data(as_text=True)
    assert first.loaded == second.loaded == ["/models/trainer/round-1.tar.gz"]
    assert "Running on" in page
    two = evaluated_round(app, "/models/trainer/round-2.tar.gz")
    post(client, f"/trainer/rounds/{two}/promote")
    assert "/models/trainer/round-2.tar.gz" in client.get("/trainer/models").get_data(as_text=True)

    post(client, "/trainer/rollback")
    assert first.loaded[-1] == second.loaded[-1] == "/models/trainer/round-1.tar.gz"
    post(client, "/trainer/rollback")
    assert first.loaded[-1] == second.loaded[-1] == base
    with app.app_context():
        assert rounds.current() is None and db.session.get(ModelRound, two).status == "retired"
    assert "Roll back" not in client.get("/trainer/models").get_data(as_text=True)


def test_every_process_behind_one_address_gets_the_model(client, auth, trainers, app, rasa_doubles):
    [rasa] = rasa_doubles(1, processes=2)  # SANIC_WORKERS=2: a PUT reaches one of the two processes
    round_id = evaluated_round(app, "/models/trainer/round-1.tar.gz")
    auth.login("asha.trainer")
    post(client, f"/trainer/rounds/{round_id}/promote")
    assert rasa.running == ["round-1.tar.gz", "round-1.tar.gz"]


def test_when_one_instance_refuses_the_others_go_back_and_the_round_says_why(
    client, auth, trainers, app, rasa_doubles
):
    first, refusing = rasa_doubles(2, refuse_last=True)
    round_id = evaluated_round(app, "/models/trainer/round-1.tar.gz")
    auth.login("asha.trainer")
    page = post(client, f"/trainer/rounds/{round_id}/promote").get_data(as_text=True)
    assert first.loaded == ["/models/trainer/round-1.tar.gz", app.config["TRAINER_BASE_MODEL"]]
    assert refusing.loaded == []
    assert "refused the model" in page
    with app.app_context():
        assert db.session.get(ModelRound, round_id).status == "evaluated" and rounds.current() is None


def test_a_worse_round_is_not_promoted(client, auth, trainers, app, rasa_doubles):
    [rasa] = rasa_doubles(1)
    round_id = evaluated_round(app, "/models/trainer/round-1.tar.gz", promotable=False)
    auth.login("asha.trainer")
    page = client.get(f"/trainer/rounds/{round_id}").get_data(as_text=True)
    assert "Not promotable" in page and "worse overall" in page and 'class="promote"' not in page
    assert "This round cannot be promoted" in post(client, f"/trainer/rounds/{round_id}/promote").get_data(
        as_text=True
    )
    assert rasa.loaded == []


def test_a_failed_training_is_shown_and_leaves_the_running_model_untouched(
    client, auth, trainers, app, rasa_doubles, tmp_path
):
    [rasa] = rasa_doubles(1)
    app.config["TRAINER_HELDOUT"] = str(tmp_path / "no-such-split.yml")
    app.config["TRAINER_MODELS_DIR"] = str(tmp_path / "models")
    auth.login("asha.trainer")
    page = post(client, "/trainer/train").get_data(as_text=True)
    assert '<strong class="round-status">failed</strong>' in page
    assert "no-such-split.yml" in page
    assert rasa.loaded == []
    with app.app_context():
        assert rounds.running_model_file() == app.config["TRAINER_BASE_MODEL"]
