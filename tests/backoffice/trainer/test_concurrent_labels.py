"""Two trainers labelling the same message at the same instant, on PostgreSQL: neither label is lost or hidden."""

from __future__ import annotations

import threading

import pytest

from backoffice.audit.services import Actor
from backoffice.extensions import db
from backoffice.people.models import User
from backoffice.trainer import inbox
from backoffice.trainer.models import InboxItem, Label


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_two_trainers_at_once_leave_two_labels_and_a_disagreement(app, trainers, captured):
    item = captured("certificate kab milega")
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def label_as(username: str, intent: str) -> None:
        try:
            with app.app_context():
                trainer = User.query.filter_by(username=username).one()
                barrier.wait()
                inbox.label(
                    [item], trainer, "intent", intent, None, Actor("nlu_trainer", username, trainer.id)
                )
                db.session.commit()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=label_as, args=("asha.trainer", "check_status")),
               threading.Thread(target=label_as, args=("ravi.trainer", "ask_deadline"))]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with app.app_context():
        assert sorted(lb.intent for lb in Label.query.filter_by(item_id=item)) == [
            "ask_deadline",
            "check_status",
        ]
        stored = db.session.get(InboxItem, item)
        assert inbox.state_of(stored) == "disputed" and stored.final_intent is None
