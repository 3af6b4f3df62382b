"""The one catalog-driven `application_form`: its validation (every message goes through it) and its questions."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.application_progress import Progress, Step, shown_value, summary_lines
from actions.application_turn import ApplicationTurn
from actions.backoffice_api import FAILURES
from actions.catalog_source import catalog_source
from actions.csc_counter import show_charge
from actions.turn import csc_session, language_of, latest_turn
from catalog import CatalogError, Service

FINISHED = ("submit", "cancelled", "lost")


async def application_service(tracker: Tracker) -> Service | None:
    """The service being applied for, or None when it is unknown or the catalog cannot be had."""
    try:
        catalog = await catalog_source.get()
    except (*FAILURES, CatalogError):
        return None
    return catalog.get(tracker.get_slot("application_service") or "")


class ValidateApplicationForm(FormValidationAction):
    """Takes every message the citizen sends while the form runs, so nothing they say is lost or misread."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "validate_application_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> list[str]:
        """The generic `answer` slot until the application is finished (submitted or cancelled)."""
        return [] if tracker.get_slot("form_outcome") in FINISHED else ["answer"]

    async def extract_answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> dict:
        """Take the whole message once a question has been asked; the form's first run asks only."""
        if tracker.get_slot("requested_slot") != "answer":
            return {}
        message = tracker.latest_message or {}
        return {"answer": message.get("text") or (message.get("intent") or {}).get("name") or "?"}

    async def validate_answer(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        """Handle the message for the current step; the slot is emptied so the form asks the next step."""
        service = await application_service(tracker)
        if service is None:
            dispatcher.utter_message(response="utter_try_later")
            return {"answer": None}
        progress = Progress.from_slots(service, tracker.slots)
        turn = ApplicationTurn(dispatcher, tracker, service, progress)
        await turn.handle()
        return {"answer": None, "draft_id": turn.draft_id, "form_outcome": turn.outcome, **progress.slots()}


def ask_step(
    dispatcher: CollectingDispatcher, service: Service, progress: Progress, step: Step, language: str
) -> None:
    """Send the question for `step`, with buttons or a list for its choices."""
    if step.kind == "confirm_cancel":
        dispatcher.utter_message(response="utter_confirm_cancel", service_name=service.name.get(language))
    elif step.kind == "field" and step.field is not None:
        field = step.field
        params = {
            "progress": f"{step.position}/{step.total}",
            "question": field.question.get(language),
            "help": field.help.get(language),
        }
        buttons = [
            {"title": option.label.get(language), "payload": f'/inform{{"option":"{option.value}"}}'}
            for option in field.options
        ]
        if progress.editing and field.id in progress.answers:
            current = shown_value(field, progress.answers[field.id], language)
            dispatcher.utter_message(
                response="utter_ask_field_again", current=current, buttons=buttons, **params
            )
        elif not field.required:
            dispatcher.utter_message(response="utter_ask_optional_field", buttons=buttons, **params)
        else:
            dispatcher.utter_message(response="utter_ask_field", buttons=buttons, **params)
    elif step.kind == "summary":
        edits = [
            {
                "title": f"✏️ {index}. {f.question.get(language)}",
                "payload": f'/edit_answer{{"field":"{f.id}"}}',
            }
            for index, f in enumerate(service.fields, start=1)
        ]
        dispatcher.utter_message(
            response="utter_application_summary",
            service_name=service.name.get(language),
            summary=summary_lines(service, progress.answers, language),
            buttons=edits,
        )
    elif step.kind == "document" and step.document is not None:
        params = {
            "document": step.document.name.get(language),
            "progress": f"{step.position}/{step.total}",
        }
        response = "utter_ask_document" if step.document.required else "utter_ask_optional_document"
        dispatcher.utter_message(response=response, **params)


class ActionAskAnswer(Action):
    """Asks whatever the application needs next, in the citizen's language, from the catalog."""

    def name(self) -> str:
        """The action's name in the domain (the form's question for the slot `answer`)."""
        return "action_ask_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        """Render the current step."""
        turn = latest_turn(tracker)
        if turn.intent == "change_language" and tracker.get_slot("requested_slot") == "answer":
            return []  # the language buttons just sent are the question; the tap brings the form back
        service = await application_service(tracker)
        if service is None:
            return []
        progress = Progress.from_slots(service, tracker.slots)
        step = progress.step()
        ask_step(dispatcher, service, progress, step, language_of(tracker))
        if step.kind == "summary" and csc_session(tracker):
            show_charge(dispatcher, service, progress.answers, language_of(tracker))
        return []
