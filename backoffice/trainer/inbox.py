"""The trainer inbox: open messages filtered and grouped by similarity, labels, disagreements and their settling."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from rapidfuzz import fuzz, process, utils
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from backoffice.audit import services as audit
from backoffice.audit.services import Actor
from backoffice.core.clock import utcnow
from backoffice.extensions import db
from backoffice.people.models import User
from backoffice.trainer.intents import domain_intents, service_ids
from backoffice.trainer.models import INTENT, LABEL_KINDS, NEW_SERVICE, InboxItem, Label, ServiceRequest

# Two messages whose words overlap this much (rapidfuzz token_sort_ratio, 0-100) are one group.
SIMILAR = 80
MAX_SHOWN = 400


class LabelRefused(ValueError):
    """A label that cannot be kept (unknown intent or service, a span outside the message), said in both languages."""


@dataclass(frozen=True)
class Filters:
    """What the trainer narrowed the inbox to; empty fields do not filter."""

    style: str = ""
    intent: str = ""
    number: str = ""
    reason: str = ""
    since: date | None = None
    until: date | None = None
    state: str = "open"  # open | disputed | done | all


@dataclass
class Group:
    """Similar messages that one action labels together; the first is the one shown."""

    items: list[InboxItem] = field(default_factory=list)

    @property
    def first(self) -> InboxItem:
        """The message standing for the group."""
        return self.items[0]


def state_of(item: InboxItem) -> str:
    """`open` (no label), `disputed` (labels differ, nobody settled it), or `done`."""
    if item.final_kind:
        return "done"
    return "disputed" if len(item.labels) > 1 else "open"


def items(filters: Filters) -> list[InboxItem]:
    """The inbox's messages matching `filters`, newest first."""
    query = select(InboxItem).options(selectinload(InboxItem.labels).selectinload(Label.trainer))
    if filters.style:
        query = query.where(InboxItem.style == filters.style)
    if filters.intent:
        query = query.where(InboxItem.intent == filters.intent)
    if filters.number:
        query = query.where(InboxItem.number == filters.number)
    if filters.reason:
        query = query.where(InboxItem.reason == filters.reason)
    if filters.since:
        query = query.where(InboxItem.said_at >= datetime.combine(filters.since, datetime.min.time()))
    if filters.until:
        query = query.where(
            InboxItem.said_at < datetime.combine(filters.until + timedelta(days=1), datetime.min.time())
        )
    if filters.state == "open":
        query = query.where(InboxItem.final_kind.is_(None))
    elif filters.state == "done":
        query = query.where(InboxItem.final_kind.is_not(None))
    found = db.session.scalars(
        query.order_by(InboxItem.said_at.desc(), InboxItem.id.desc()).limit(MAX_SHOWN)
    ).all()
    if filters.state in ("open", "disputed"):
        found = [i for i in found if state_of(i) == filters.state]
    return found


def groups(found: list[InboxItem]) -> list[Group]:
    """Greedy grouping by similarity: each message joins the first group whose lead it resembles."""
    made: list[Group] = []
    leads: list[str] = []
    for item in found:
        match = process.extractOne(
            item.text,
            leads,
            scorer=fuzz.token_sort_ratio,
            processor=utils.default_process,
            score_cutoff=SIMILAR,
        )
        if match is None:
            made.append(Group([item]))
            leads.append(item.text)
        else:
            made[match[2]].items.append(item)
    return made


def label(
    item_ids: list[int], trainer: User, kind: str, intent: str | None, entity: dict | None, actor: Actor
) -> list[InboxItem]:
    """Give each message `trainer`'s label (replacing their own earlier one) and settle those the labels agree on."""
    if kind not in LABEL_KINDS:
        raise LabelRefused("Choose an intent, out of scope or new service. / इंटेंट, दायरे से बाहर या नई सेवा चुनें।")
    if kind == INTENT and intent not in domain_intents():
        raise LabelRefused(
            f"The bot has no intent {intent!r}; choose one from the list. / बॉट में {intent!r} इंटेंट नहीं है; सूची से चुनें।"
        )
    # Locked (PostgreSQL) so two trainers labelling at once both see each other's label and the disagreement.
    chosen = db.session.scalars(
        select(InboxItem)
        .where(InboxItem.id.in_(item_ids))
        .order_by(InboxItem.id)
        .with_for_update()
        .options(selectinload(InboxItem.labels))
    ).all()
    if not chosen:
        raise LabelRefused("Those messages are no longer in the inbox. / ये संदेश अब इनबॉक्स में नहीं हैं।")
    entities = _entities(chosen, entity) if kind == INTENT else []
    for item in chosen:
        _put_label(item, trainer, kind, intent if kind == INTENT else None, entities)
        if (
            kind == NEW_SERVICE
            and db.session.scalar(select(ServiceRequest).where(ServiceRequest.item_id == item.id)) is None
        ):
            db.session.add(ServiceRequest(item_id=item.id, text=item.text, raised_by=trainer.id))
        db.session.flush()
        db.session.refresh(item)
        _settle_if_agreed(item)
    audit.record(actor, "trainer.labelled", f"trainer_items:{','.join(str(i.id) for i in chosen)}",
                 {"kind": kind, "intent": intent, "entities": entities})  # fmt: skip
    return list(chosen)


def _entities(chosen: list[InboxItem], entity: dict | None) -> list[dict]:
    if not entity:
        return []
    if len(chosen) != 1:
        raise LabelRefused("Tag a service on one message at a time. / सेवा एक बार में एक ही संदेश पर चिह्नित करें।")
    text = chosen[0].text
    start, end, value = int(entity["start"]), int(entity["end"]), entity.get("value")
    if value not in service_ids():
        raise LabelRefused(f"No service {value!r} in the catalog. / कैटलॉग में {value!r} सेवा नहीं है।")
    if not 0 <= start < end <= len(text) or not text[start:end].strip() or "<" in text[start:end]:
        raise LabelRefused("Select the words that name the service. / सेवा का नाम बताने वाले शब्द चुनें।")
    return [{"entity": "service", "value": value, "start": start, "end": end}]


def _put_label(item: InboxItem, trainer: User, kind: str, intent: str | None, entities: list[dict]) -> None:
    """Insert or replace this trainer's label; a concurrent insert of the same label becomes an update."""
    values = {"kind": kind, "intent": intent, "entities": entities, "labelled_at": utcnow()}
    mine = next((lb for lb in item.labels if lb.trainer_id == trainer.id), None)
    if mine is None:
        try:
            with db.session.begin_nested():
                db.session.add(Label(item_id=item.id, trainer_id=trainer.id, **values))
            return
        except IntegrityError:  # the same trainer labelled it in another tab a moment ago
            mine = db.session.scalar(
                select(Label).where(Label.item_id == item.id, Label.trainer_id == trainer.id)
            )
    for key, value in values.items():
        setattr(mine, key, value)


def _reading(lb: Label) -> tuple:
    return (lb.kind, lb.intent, tuple(sorted((e["value"], e["start"], e["end"]) for e in lb.entities)))


def _settle_if_agreed(item: InboxItem) -> None:
    readings = {_reading(lb) for lb in item.labels}
    if len(readings) == 1:
        _settle(item, item.labels[0].kind, item.labels[0].intent, item.labels[0].entities)
    else:
        item.final_kind, item.final_intent, item.final_entities = None, None, []


def _settle(item: InboxItem, kind: str, intent: str | None, entities: list[dict]) -> None:
    item.final_kind, item.final_intent, item.final_entities = kind, intent, list(entities)


def resolve(item_id: int, label_id: int, actor: Actor) -> InboxItem:
    """An administrator settles a disagreement by choosing one trainer's label."""
    item = db.session.get(InboxItem, item_id)
    chosen = db.session.get(Label, label_id)
    if item is None or chosen is None or chosen.item_id != item.id:
        raise LabelRefused("That label is not on this message. / यह लेबल इस संदेश का नहीं है।")
    _settle(item, chosen.kind, chosen.intent, chosen.entities)
    audit.record(
        actor, "trainer.resolved", f"trainer_item:{item.id}", {"label": chosen.id, "intent": chosen.intent}
    )
    return item


def disputed() -> list[InboxItem]:
    """Messages whose trainers disagree and that nobody has settled."""
    return items(Filters(state="disputed"))


def service_requests() -> list[ServiceRequest]:
    """The catalog backlog: services citizens asked for that the catalog does not offer, newest first."""
    return db.session.scalars(select(ServiceRequest).order_by(ServiceRequest.id.desc())).all()
