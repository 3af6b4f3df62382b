"""Answers "which documents", "what fee", "how long" and "who can apply" about a service, from the catalog."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.backoffice_api import FAILURES
from actions.catalog_source import catalog_source
from actions.turn import language_of, latest_turn
from catalog import Catalog, CatalogError, Service

QUESTION_INTENTS = ("ask_documents", "ask_fees", "ask_deadline", "ask_eligibility")


def rupees(amount: int) -> str:
    """An amount in rupees as the citizen reads it."""
    return f"₹{amount:,}"


def fee_answer(service: Service, language: str) -> tuple[str, dict[str, Any]]:
    """The fee response and its parameters."""
    fee, name = service.fee, service.name.get(language)
    note = f"\n{fee.note.get(language)}" if fee.note else ""
    if fee.kind == "free":
        return "utter_service_fee_free", {"service_name": name, "note": note}
    if fee.kind == "fixed" and fee.amount is not None:
        return "utter_service_fee_fixed", {"service_name": name, "amount": rupees(fee.amount), "note": note}
    if fee.kind == "per_option" and fee.field:
        field = service.field(fee.field)
        lines = [
            f"• {option.label.get(language)}: {rupees(fee.amounts[option.value])}"
            for option in (field.options if field else ())
            if option.value in fee.amounts
        ]
        return "utter_service_fee_per_option", {
            "service_name": name,
            "amounts": "\n".join(lines),
            "note": note,
        }
    return "utter_service_fee_assessed", {"service_name": name, "note": note}


def tell_about_service(
    dispatcher: CollectingDispatcher, intent: str, service: Service, language: str
) -> None:
    """Answer one side question about `service` in `language`."""
    name = service.name.get(language)
    if intent == "ask_documents":
        required = [f"• {d.name.get(language)}" for d in service.documents if d.required]
        optional = [f"• {d.name.get(language)}" for d in service.documents if not d.required]
        if not service.documents:
            dispatcher.utter_message(response="utter_service_no_documents", service_name=name)
            return
        dispatcher.utter_message(
            response="utter_service_documents", service_name=name, documents="\n".join(required)
        )
        if optional:
            dispatcher.utter_message(
                response="utter_service_documents_optional", documents="\n".join(optional)
            )
    elif intent == "ask_fees":
        response, params = fee_answer(service, language)
        dispatcher.utter_message(response=response, **params)
    elif intent == "ask_deadline":
        if service.deadline.days:
            dispatcher.utter_message(
                response="utter_service_deadline", service_name=name, days=service.deadline.days
            )
        else:
            reason = service.deadline.reason.get(language) if service.deadline.reason else ""
            dispatcher.utter_message(response="utter_service_deadline_none", service_name=name, reason=reason)
    else:
        dispatcher.utter_message(
            response="utter_service_eligibility",
            service_name=name,
            eligibility=service.eligibility.text.get(language),
        )


def named_service(tracker: Tracker, catalog: Catalog, *fallback_slots: str) -> Service | None:
    """The service named in the latest message, else the one in the first filled of `fallback_slots`."""
    candidates = [
        latest_turn(tracker).entities.get("service"),
        *(tracker.get_slot(s) for s in fallback_slots),
    ]
    return next((catalog[c] for c in candidates if c and c in catalog), None)


class ActionAnswerServiceQuestion(Action):
    """Outside a form: answers a side question about the named (or last named) service."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_answer_service_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        """Answer from the catalog, or ask which service is meant."""
        try:
            catalog = await catalog_source.get()
        except (*FAILURES, CatalogError):
            dispatcher.utter_message(response="utter_try_later")
            return []
        service = named_service(tracker, catalog, "service")
        intent = latest_turn(tracker).intent
        if service is None or intent not in QUESTION_INTENTS:
            dispatcher.utter_message(response="utter_which_service")
            return []
        tell_about_service(dispatcher, intent, service, language_of(tracker))
        return []
