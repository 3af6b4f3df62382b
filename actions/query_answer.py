"""Answering an officer's query in chat: text and/or documents are collected, then sent on "Send answer".

The back-office's notification carries "Answer now" (`/answer_query{"number": ...}`); typed "answer the
query" works too. Inside `query_answer_form` every message is part of the answer, except explicit commands.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.backoffice_api import FAILURES, BackOfficeError, backoffice
from actions.form_commands import command_in
from actions.turn import citizen_of, latest_turn

log = logging.getLogger(__name__)

QUERY_SLOTS = (
    "query_number",
    "query_text",
    "query_answer",
    "query_documents",
    "query_outcome",
    "query_reply",
)
STOPS = ("cancel", "main_menu", "opt_out")  # commands that leave the answer unsent
# Typed ways of tapping "Send answer"; anything else typed is part of the answer.
SEND_WORDS = frozenset({"send", "send answer", "send it", "done", "submit", "bhej do", "bhejo", "jawab bhejo",
                        "भेजें", "भेज दो", "उत्तर भेजें", "जवाब भेजो"})  # fmt: skip
LISTED = 10
MAX_ANSWER = 4000  # characters kept of the typed answer: an officer reads it in one sitting


def _cleared() -> list[SlotSet]:
    return [SlotSet(name, None) for name in QUERY_SLOTS] + [SlotSet("query_ready", False)]


class ActionStartQueryAnswer(Action):
    """ "Answer now": find the application with an open query (the tapped one, or the citizen's only one)."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_start_query_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        """Start the form on the query, list several, or say there is none."""
        number = latest_turn(tracker).application_number()
        try:
            rows = await backoffice.applications(citizen_of(tracker))
        except FAILURES:
            dispatcher.utter_message(response="utter_try_later")
            return [SlotSet("query_ready", False)]
        open_queries = [r for r in rows if r["status"] == "query_raised" and r.get("query")]
        if number:
            chosen = [r for r in open_queries if r["number"] == number]
            if not chosen:
                mine = any(r["number"] == number for r in rows)
                if mine:
                    dispatcher.utter_message(response="utter_query_closed", number=number)
                else:  # another citizen's application, or none: the same answer
                    dispatcher.utter_message(response="utter_application_not_found", number=number)
                return [SlotSet("query_ready", False)]
            open_queries = chosen
        if not open_queries:
            dispatcher.utter_message(response="utter_query_none")
            return [SlotSet("query_ready", False)]
        if len(open_queries) > 1:
            buttons = [
                {"title": r["number"], "payload": f'/answer_query{{"number":"{r["number"]}"}}'}
                for r in open_queries[:LISTED]
            ]
            dispatcher.utter_message(response="utter_query_choose", buttons=buttons)
            return [SlotSet("query_ready", False)]
        row = open_queries[0]
        return [
            *_cleared(),
            SlotSet("query_number", row["number"]),
            SlotSet("query_text", row["query"]),
            SlotSet("requested_slot", None),
            SlotSet("query_ready", True),
        ]


class ValidateQueryAnswerForm(FormValidationAction):
    """Takes every message while the answer is being written: text, documents, Send answer, or a command."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "validate_query_answer_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> list[str]:
        """The generic `query_reply` slot until the answer is sent or dropped."""
        return [] if tracker.get_slot("query_outcome") else ["query_reply"]

    async def extract_query_reply(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict:
        """Take the whole message once the question has been shown."""
        if tracker.get_slot("requested_slot") != "query_reply":
            return {}
        message = tracker.latest_message or {}
        return {"query_reply": message.get("text") or (message.get("intent") or {}).get("name") or "?"}

    async def validate_query_reply(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        """Add the message to the answer, or send, or stop; the slot is emptied so the form asks again."""
        turn = latest_turn(tracker)
        answer = tracker.get_slot("query_answer") or ""
        documents = list(tracker.get_slot("query_documents") or [])
        command = (turn.intent if turn.tapped else None) or command_in(turn.text)
        if " ".join(turn.text.casefold().strip(" .!").split()) in SEND_WORDS:
            command = "send_query_answer"
        if turn.intent == "document_received" and turn.entities.get("document_id"):
            documents.append(str(turn.entities["document_id"]))
        elif turn.intent == "document_rejected":
            dispatcher.utter_message(response="utter_document_rejected")
        elif turn.intent == "unsupported_message":
            dispatcher.utter_message(response="utter_unsupported_message")
        elif command == "send_query_answer":
            if answer or documents:
                return {"query_reply": None, "query_outcome": "send"}
            dispatcher.utter_message(response="utter_query_empty")
        elif command in STOPS:
            return {"query_reply": None, "query_outcome": "cancelled"}
        elif command == "help":
            dispatcher.utter_message(response="utter_query_help")
        elif turn.tapped:
            pass  # an old button from earlier in the chat: the question is shown again
        elif turn.text:
            answer = f"{answer}\n{turn.text}".strip()[:MAX_ANSWER]
        return {"query_reply": None, "query_answer": answer or None, "query_documents": documents or None}


class ActionAskQueryReply(Action):
    """Shows the officer's question, or (once something was given) what is collected, with Send answer."""

    def name(self) -> str:
        """The action's name in the domain (the form's question for `query_reply`)."""
        return "action_ask_query_reply"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        """Ask for the answer, or for more / Send."""
        answer = tracker.get_slot("query_answer")
        documents = tracker.get_slot("query_documents") or []
        if not answer and not documents:
            dispatcher.utter_message(
                response="utter_query_ask",
                number=tracker.get_slot("query_number"),
                query=tracker.get_slot("query_text"),
            )
            return []
        dispatcher.utter_message(
            response="utter_query_part_received", text_given="✓" if answer else "—", documents=len(documents)
        )
        return []


class ActionFinishQueryAnswer(Action):
    """After the form: send the answer to the back-office, or say it was not sent."""

    def name(self) -> str:
        """The action's name in the domain."""
        return "action_finish_query_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        """Send, or confirm nothing was sent."""
        number = tracker.get_slot("query_number") or ""
        if tracker.get_slot("query_outcome") != "send" or not number:
            dispatcher.utter_message(response="utter_query_not_sent")
            return _cleared()
        answer = tracker.get_slot("query_answer") or ""
        documents = [str(d) for d in tracker.get_slot("query_documents") or []]
        try:
            await backoffice.answer_query(number, citizen_of(tracker), answer, documents)
        except BackOfficeError as error:
            log.warning("query answer refused: %s %s", error.status, error.code)
            if error.status == 404:  # not the citizen's application (or document): the same answer as none
                dispatcher.utter_message(response="utter_application_not_found", number=number)
            elif error.code == "illegal_transition":  # answered meanwhile, or decided
                dispatcher.utter_message(response="utter_query_closed", number=number)
            else:
                dispatcher.utter_message(response="utter_query_not_sent")
            return _cleared()
        except FAILURES:
            dispatcher.utter_message(response="utter_try_later")
            return _cleared()
        dispatcher.utter_message(response="utter_query_sent", number=number)
        return _cleared()
