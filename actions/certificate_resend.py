"""Sending an issued certificate again from the chat ("mera certificate bhejo"): the back-office sends the PDF."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.backoffice_api import BackOfficeError, BackOfficeUnavailable, backoffice
from actions.turn import citizen_of, latest_turn

LISTED = 10  # rows in one WhatsApp list


async def resend(dispatcher: CollectingDispatcher, tracker: Tracker, number: str) -> None:
    """Ask for the certificate of `number` again, and say what happens next."""
    try:
        answer = await backoffice.resend_certificate(number, citizen_of(tracker))
    except BackOfficeError as error:
        if error.status == 404:
            dispatcher.utter_message(response="utter_application_not_found", number=number)
        elif error.status == 409:
            dispatcher.utter_message(response="utter_certificate_not_issued", number=number)
        else:
            dispatcher.utter_message(response="utter_try_later")
        return
    except BackOfficeUnavailable:
        dispatcher.utter_message(response="utter_try_later")
        return
    dispatcher.utter_message(
        response="utter_certificate_resent", certificate=answer.get("certificate", number)
    )


class ActionResendCertificate(Action):
    """The certificate of the application named, or of the only issued one; a list when there are several."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_resend_certificate"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        """Resend, or ask which application's certificate."""
        number = latest_turn(tracker).application_number()
        if number:
            await resend(dispatcher, tracker, number)
            return []
        try:
            rows = await backoffice.applications(citizen_of(tracker))
        except (BackOfficeError, BackOfficeUnavailable):
            dispatcher.utter_message(response="utter_try_later")
            return []
        issued = [row["number"] for row in rows if row.get("status") == "issued"]
        if not issued:
            dispatcher.utter_message(response="utter_no_certificate")
        elif len(issued) == 1:
            await resend(dispatcher, tracker, issued[0])
        else:
            buttons = [
                {"title": n, "payload": f'/resend_certificate{{"number":"{n}"}}'} for n in issued[:LISTED]
            ]
            dispatcher.utter_message(response="utter_choose_certificate", buttons=buttons)
        return []
