"""Tells a citizen the live status of their applications, or of the one whose number they wrote."""

from __future__ import annotations

from datetime import date
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.backoffice_api import FAILURES, backoffice
from actions.catalog_source import catalog_source
from actions.turn import citizen_of, language_of, latest_turn
from catalog import Catalog, CatalogError

LISTED = 10  # a WhatsApp message stays readable; older ones are reachable by number


def shown_date(iso: str | None) -> str:
    """An ISO date as DD/MM/YYYY, or a dash."""
    if not iso:
        return "—"
    try:
        return date.fromisoformat(iso[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return iso


def service_name(catalog: Catalog | None, service_id: str, language: str) -> str:
    """The service's name, or its id when the catalog does not know it."""
    return catalog[service_id].name.get(language) if catalog and service_id in catalog else service_id


def application_line(row: dict[str, Any], catalog: Catalog | None, language: str) -> str:
    """One application in the list: number, service, status and the decision date."""
    label = (row.get("status_label") or {}).get(language) or row.get("status", "")
    return (
        f"• *{row['number']}* — {service_name(catalog, row['service'], language)}\n"
        f"   {label} · 📅 {shown_date(row.get('decision_by'))}"
    )


async def show_applications(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """List the citizen's applications, or show the one whose number is in the message."""
    language = language_of(tracker)
    try:
        catalog = await catalog_source.get()
    except (*FAILURES, CatalogError):
        catalog = None  # numbers and statuses still help without service names
    number = latest_turn(tracker).application_number()
    try:
        if number:
            application = await backoffice.application(number, citizen_of(tracker))
            if application is None:
                dispatcher.utter_message(response="utter_application_not_found", number=number)
                return
            label = (application.get("status_label") or {}).get(language) or application.get("status", "")
            dispatcher.utter_message(
                response="utter_application_status",
                number=application["number"],
                service_name=service_name(catalog, application["service"], language),
                status=label,
                decision_by=shown_date(application.get("decision_by")),
            )
            if application.get("query"):
                dispatcher.utter_message(response="utter_application_query", query=application["query"])
            return
        rows = await backoffice.applications(citizen_of(tracker))
    except FAILURES:
        dispatcher.utter_message(response="utter_try_later")
        return
    if not rows:
        dispatcher.utter_message(response="utter_no_applications")
        return
    lines = "\n".join(application_line(row, catalog, language) for row in rows[:LISTED])
    dispatcher.utter_message(response="utter_applications_list", applications=lines)


class ActionShowApplications(Action):
    """Answers "status" (or a message carrying an application number)."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_show_applications"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        """Show the live status from the back-office."""
        await show_applications(dispatcher, tracker)
        return []
