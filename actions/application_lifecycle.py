"""Starting, resuming and finishing an application: department and service lists, drafts, submission."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.application_progress import answers_from_draft, documents_from_draft
from actions.backoffice_api import FAILURES, BackOfficeError, backoffice
from actions.catalog_source import catalog_source
from actions.citizen_profile import record_address
from actions.consent import offer_updates
from actions.payments import offer_payment, subject
from actions.tracking import shown_date
from actions.turn import citizen_of, language_of, latest_turn
from catalog import Catalog, CatalogError, Service

log = logging.getLogger(__name__)

# Everything an application keeps in slots; emptied when it ends.
APPLICATION_SLOTS = (
    "application_service", "answers", "documents", "draft_id", "reviewed", "editing", "pending", "failures",
    "form_outcome", "answer",
)  # fmt: skip


def cleared() -> list[SlotSet]:
    """Events that forget the application in the tracker (the back-office keeps its record)."""
    return [SlotSet(name, None) for name in APPLICATION_SLOTS] + [SlotSet("form_ready", False)]


def begin(service: Service, draft: dict[str, Any]) -> list[SlotSet]:
    """Events that put a draft into the slots and let the rules start the form."""
    return [
        *cleared(),
        SlotSet("application_service", service.id),
        SlotSet("answers", answers_from_draft(service, draft.get("answers") or {})),
        SlotSet("documents", documents_from_draft(draft)),
        SlotSet("draft_id", draft["id"]),
        SlotSet("requested_slot", None),
        SlotSet("form_ready", True),
    ]


def announce(
    dispatcher: CollectingDispatcher, service: Service, draft: dict[str, Any], language: str
) -> None:
    """Say which application starts, or how far the one picked up again had come."""
    name = service.name.get(language)
    answered = len(answers_from_draft(service, draft.get("answers") or {}))
    if answered:
        dispatcher.utter_message(
            response="utter_application_resumed",
            service_name=name,
            answered=answered,
            total=len(service.fields),
        )
    else:
        dispatcher.utter_message(
            response="utter_application_started",
            service_name=name,
            questions=len(service.fields),
            documents=len(service.documents),
        )


async def load_catalog_or_apologise(dispatcher: CollectingDispatcher) -> Catalog | None:
    """The catalog, or None after telling the citizen to try later."""
    try:
        return await catalog_source.get()
    except (*FAILURES, CatalogError):
        dispatcher.utter_message(response="utter_try_later")
        return None


def offer_departments(dispatcher: CollectingDispatcher, catalog: Catalog, language: str) -> None:
    """A list of the departments that have services."""
    departments: dict[str, Service] = {}
    for service in catalog.values():
        departments.setdefault(service.department, service)
    rows = [
        {"title": s.department_name.get(language), "payload": f'/choose_department{{"department":"{code}"}}'}
        for code, s in departments.items()
    ]
    dispatcher.utter_message(response="utter_choose_department", buttons=rows)


class ActionStartApplication(Action):
    """ "Apply": with a named service, open (or pick up) its draft and start the form; else list departments."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_start_application"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        """Start the form, or ask which service."""
        catalog = await load_catalog_or_apologise(dispatcher)
        if catalog is None:
            return [SlotSet("form_ready", False)]
        language = language_of(tracker)
        service = catalog.get(str(latest_turn(tracker).entities.get("service") or ""))
        if service is None:
            offer_departments(dispatcher, catalog, language)
            return [SlotSet("form_ready", False)]
        try:
            draft = await backoffice.create_draft(citizen_of(tracker), service.id)
        except FAILURES:
            dispatcher.utter_message(response="utter_try_later")
            return [SlotSet("form_ready", False)]
        announce(dispatcher, service, draft, language)
        return begin(service, draft)


class ActionListServices(Action):
    """After a department is chosen: the list of its services."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_list_services"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        """List the department's services, or the departments again if it is unknown."""
        catalog = await load_catalog_or_apologise(dispatcher)
        if catalog is None:
            return []
        language = language_of(tracker)
        services = catalog.by_department(str(latest_turn(tracker).entities.get("department") or ""))
        if not services:
            offer_departments(dispatcher, catalog, language)
            return []
        rows = [
            {"title": s.name.get(language), "payload": f'/apply_service{{"service":"{s.id}"}}'}
            for s in services
        ]
        dispatcher.utter_message(
            response="utter_choose_service",
            department=services[0].department_name.get(language),
            buttons=rows,
        )
        return []


class ActionOfferResume(Action):
    """After a welcome: offer to pick up an unfinished application, else show the menu."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_offer_resume"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        """Resume / Start over buttons when a draft is open."""
        try:
            draft = await backoffice.open_draft(citizen_of(tracker))
            catalog = await catalog_source.get() if draft else None
        except (*FAILURES, CatalogError):
            draft, catalog = None, None
        service = catalog.get(draft["service"]) if draft and catalog else None
        if service is None:
            dispatcher.utter_message(response="utter_main_menu")
            return []
        language = language_of(tracker)
        dispatcher.utter_message(
            response="utter_resume_offer",
            service_name=service.name.get(language),
            answered=len(answers_from_draft(service, draft.get("answers") or {})),
            total=len(service.fields),
        )
        return []


class ActionResumeApplication(Action):
    """ "Resume": put the newest open draft back into the form where it stopped."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_resume_application"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        """Load the draft into slots."""
        catalog = await load_catalog_or_apologise(dispatcher)
        if catalog is None:
            return [SlotSet("form_ready", False)]
        try:
            draft = await backoffice.open_draft(citizen_of(tracker))
        except FAILURES:
            dispatcher.utter_message(response="utter_try_later")
            return [SlotSet("form_ready", False)]
        service = catalog.get(draft["service"]) if draft else None
        if service is None:
            dispatcher.utter_message(response="utter_no_draft")
            dispatcher.utter_message(response="utter_main_menu")
            return [SlotSet("form_ready", False)]
        announce(dispatcher, service, draft, language_of(tracker))
        return begin(service, draft)


class ActionStartOver(Action):
    """ "Start over": discard the open draft and begin the same service from its first question."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_start_over"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        """Delete the draft, create a fresh one."""
        catalog = await load_catalog_or_apologise(dispatcher)
        if catalog is None:
            return [SlotSet("form_ready", False)]
        citizen = citizen_of(tracker)
        try:
            old = await backoffice.open_draft(citizen)
            service = catalog.get(old["service"]) if old else None
            if old is None or service is None:
                dispatcher.utter_message(response="utter_no_draft")
                offer_departments(dispatcher, catalog, language_of(tracker))
                return [SlotSet("form_ready", False)]
            await backoffice.delete_draft(old["id"], citizen)
            draft = await backoffice.create_draft(citizen, service.id)
        except FAILURES:
            dispatcher.utter_message(response="utter_try_later")
            return [SlotSet("form_ready", False)]
        announce(dispatcher, service, draft, language_of(tracker))
        return begin(service, draft)


class ActionFinishApplication(Action):
    """After the form: submit and tell the number and the decision date, then offer any fee's payment; or confirm the cancellation."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_finish_application"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        """Submit, or say it was cancelled."""
        outcome = tracker.get_slot("form_outcome")
        if outcome != "submit":
            dispatcher.utter_message(
                response="utter_application_cancelled" if outcome == "cancelled" else "utter_try_later"
            )
            dispatcher.utter_message(response="utter_main_menu")
            return cleared()
        language = language_of(tracker)
        service_id = tracker.get_slot("application_service") or ""
        draft_id = tracker.get_slot("draft_id")
        if draft_id is None:
            dispatcher.utter_message(response="utter_submit_later")
            return cleared()
        try:
            catalog = await catalog_source.get()
            await record_address(tracker)
            result = await backoffice.submit(draft_id, citizen_of(tracker))
        except BackOfficeError as error:
            log.warning("submission refused: %s %s", error.status, [e.get("field") for e in error.errors])
            dispatcher.utter_message(response="utter_submit_incomplete")
            return cleared()
        except (*FAILURES, CatalogError):
            dispatcher.utter_message(response="utter_submit_later")
            return cleared()
        name = catalog[service_id].name.get(language) if service_id in catalog else service_id
        if result.get("decision_by"):
            dispatcher.utter_message(
                response="utter_application_submitted",
                service_name=name,
                number=result["number"],
                decision_by=shown_date(result["decision_by"]),
            )
        else:
            dispatcher.utter_message(
                response="utter_application_submitted_no_deadline", service_name=name, number=result["number"]
            )
        events = cleared()
        if result.get("fee"):
            events += await offer_payment(
                dispatcher,
                tracker,
                subject("application", result["number"]),
                not_found="utter_payment_unavailable",  # its number was given a moment ago
            )
        await offer_updates(dispatcher, tracker)
        return events
