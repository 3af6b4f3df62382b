"""One citizen message inside the application form: an answer, a document, or a command (back, cancel, a side question).

It changes the `Progress` and says what needs saying; the form then asks whatever the next step is.
"""

from __future__ import annotations

import logging

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.application_progress import Progress, Step, api_value, slot_value
from actions.backoffice_api import BackOfficeError, BackOfficeUnavailable, backoffice
from actions.catalog_source import catalog_source
from actions.citizen_profile import record_language
from actions.consent import consent_turn
from actions.form_commands import command_in
from actions.handover import start_handover
from actions.service_information import QUESTION_INTENTS, named_service, tell_about_service
from actions.tracking import show_applications
from actions.turn import Turn, citizen_of, csc_session, language_of, latest_turn
from catalog import Service
from catalog.model import Field
from catalog.validation import Checked, check_service_answer, explain

log = logging.getLogger(__name__)

# Typed text counts as a command only when the classifier is this sure; an answer that checks out always
# counts as the answer, and a free-text question (name, address, reason) is interrupted only by an
# explicit command (actions/form_commands.py), never by the classifier's guess.
COMMAND_CONFIDENCE = 0.8
FIELD_COMMANDS = frozenset(
    {"cancel", "go_back", "help", "change_language", "talk_to_human", "check_status", "opt_out", "opt_in",
     "greet", "main_menu", "apply_service", "goodbye", "skip", "edit_answer", *QUESTION_INTENTS}
)  # fmt: skip
STEP_COMMANDS = FIELD_COMMANDS | {"affirm", "deny"}
FAILURES_BEFORE_HELP = 3


class ApplicationTurn:
    """Handles the latest message for the form; `progress` and `outcome` hold the result."""

    def __init__(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, service: Service, progress: Progress
    ):
        self.dispatcher = dispatcher
        self.tracker = tracker
        self.service = service
        self.progress = progress
        self.language = language_of(tracker)
        self.turn: Turn = latest_turn(tracker)
        self.draft_id = tracker.get_slot("draft_id")
        self.outcome: str | None = None

    async def handle(self) -> None:
        """React to the message, then note whether the form is finished."""
        await self._react(self.progress.step())
        if self.outcome is None and self.progress.step().kind == "done":
            self.outcome = "submit"

    async def _react(self, step: Step) -> None:
        intent = self.turn.intent
        if intent == "document_received":
            await self._document(step)
        elif intent == "document_rejected":
            self.dispatcher.utter_message(response="utter_document_rejected")
        elif intent == "unsupported_message":
            self.dispatcher.utter_message(response="utter_unsupported_message")
        elif intent == "choose_language":
            await record_language(self.tracker)
            self.dispatcher.utter_message(response="utter_language_set")
        elif step.kind == "confirm_cancel":
            await self._confirm_cancel()
        elif (command := self._command_intent(step)) is not None:
            await self._command(step, command)
        elif step.kind == "field" and step.field is not None:
            await self._answer(step.field)
        elif step.kind == "document":
            self._failed(response="utter_send_document")
        # On the summary, anything else shows the summary again (the form re-asks).

    def _command_intent(self, step: Step) -> str | None:
        """The command this message gives, or None when it is the answer to the question asked."""
        turn = self.turn
        if turn.tapped:
            allowed = FIELD_COMMANDS if step.kind == "field" else STEP_COMMANDS
            return turn.intent if turn.intent in allowed else None
        explicit = command_in(turn.text)
        if explicit is not None:
            return explicit
        if step.kind != "field" or step.field is None:
            sure = turn.intent in STEP_COMMANDS and turn.confidence >= COMMAND_CONFIDENCE
            return turn.intent if sure else None
        if turn.intent not in FIELD_COMMANDS or turn.confidence < COMMAND_CONFIDENCE:
            return None
        if turn.intent == "apply_service" and not turn.entities.get("service"):
            return None  # free text that reads like a request is an answer unless it names a service
        # A side question ("what is the fee?") that is no valid answer gets answered; whatever checks out
        # as the answer is the answer.
        return None if check_service_answer(self.service, step.field, turn.text).ok else turn.intent

    async def _command(self, step: Step, intent: str) -> None:
        progress = self.progress
        if intent == "cancel":
            progress.pending = "cancel"
        elif intent == "go_back":
            if not progress.go_back():
                self.dispatcher.utter_message(response="utter_first_question")
        elif intent == "help":
            if step.field is not None:
                self.dispatcher.utter_message(
                    response="utter_field_help", help=step.field.help.get(self.language)
                )
            self.dispatcher.utter_message(response="utter_form_help")
        elif intent == "change_language":
            self.dispatcher.utter_message(response="utter_choose_language")
        elif intent in QUESTION_INTENTS:
            catalog = await catalog_source.get()
            asked = named_service(self.tracker, catalog, "application_service") or self.service
            tell_about_service(self.dispatcher, intent, asked, self.language)
        elif intent == "talk_to_human":
            await start_handover(self.dispatcher, self.tracker)
        elif intent == "check_status":
            await show_applications(self.dispatcher, self.tracker)
        elif intent in ("opt_out", "opt_in"):
            await consent_turn(self.dispatcher, self.tracker)
        elif intent == "skip":
            if not progress.skip():
                self.dispatcher.utter_message(response="utter_cannot_skip")
        elif intent == "edit_answer":
            progress.edit(str(self.turn.entities.get("field") or ""))
        elif intent == "affirm" and step.kind == "summary":
            progress.reviewed = True
        elif intent in ("affirm", "deny") and step.kind == "document":
            self._failed(response="utter_send_document")
        elif intent not in ("affirm", "deny"):  # greet, menu, another service, goodbye: remind, carry on
            self.dispatcher.utter_message(
                response="utter_continue_application", service_name=self.service.name.get(self.language)
            )

    async def _confirm_cancel(self) -> None:
        if self.turn.intent in ("affirm", "cancel") and (self.turn.tapped or self.turn.confidence >= 0.5):
            if self.draft_id is not None:
                try:
                    await backoffice.delete_draft(self.draft_id, citizen_of(self.tracker))
                except (BackOfficeError, BackOfficeUnavailable):
                    log.warning("could not delete a cancelled draft; it stays open")
            self.outcome = "cancelled"
            return
        self.progress.pending = None
        self.dispatcher.utter_message(
            response="utter_continue_application", service_name=self.service.name.get(self.language)
        )

    async def _answer(self, field: Field) -> None:
        raw = self.turn.entities.get("option") if self.turn.tapped else self.turn.text
        checked = check_service_answer(self.service, field, str(raw or ""))
        if not checked.ok:
            self._failed(text=explain(checked, self.language))
            return
        try:
            await self._save(field, checked)
        except BackOfficeError as error:
            reason = next((e for e in error.errors if e.get("field") == field.id), None)
            if error.status == 422 and reason:
                self._failed(
                    text=explain(
                        Checked(reason=reason.get("code"), params=reason.get("params")), self.language
                    )
                )
            else:
                self.dispatcher.utter_message(response="utter_not_saved")
            return
        except BackOfficeUnavailable:
            self.dispatcher.utter_message(response="utter_not_saved")
            return
        self.progress.record_answer(field.id, slot_value(field, checked.value))

    async def _save(self, field: Field, checked: Checked) -> None:
        """Store the answer in the back-office draft, starting the draft if it could not be made earlier."""
        citizen = citizen_of(self.tracker)
        if self.draft_id is None:
            self.draft_id = (
                await backoffice.create_draft(citizen, self.service.id, csc_session(self.tracker))
            )["id"]
        await backoffice.save_answers(self.draft_id, citizen, {field.id: api_value(checked.value)})

    async def _document(self, step: Step) -> None:
        if step.kind != "document" or step.document is None:
            self.dispatcher.utter_message(response="utter_document_later")
            return
        document_id = str(self.turn.entities.get("document_id") or "")
        name = step.document.name.get(self.language)
        try:
            if self.draft_id is None:
                self.draft_id = (
                    await backoffice.create_draft(
                        citizen_of(self.tracker), self.service.id, csc_session(self.tracker)
                    )
                )["id"]
            await backoffice.attach_document(
                self.draft_id, citizen_of(self.tracker), document_id, step.document.id
            )
        except BackOfficeError:
            self.dispatcher.utter_message(response="utter_document_not_attached", document=name)
            return
        except BackOfficeUnavailable:
            self.dispatcher.utter_message(response="utter_not_saved")
            return
        self.progress.record_document(step.document.id, document_id)
        self.dispatcher.utter_message(response="utter_document_attached", document=name)

    def _failed(self, text: str | None = None, response: str | None = None) -> None:
        """Explain a bad answer; after three in a row, offer help or a person."""
        if text is not None:
            self.dispatcher.utter_message(text=text)
        else:
            self.dispatcher.utter_message(response=response)
        self.progress.failures += 1
        if self.progress.failures >= FAILURES_BEFORE_HELP:
            step = self.progress.step()
            hint = step.field.help.get(self.language) if step.field is not None else ""
            self.dispatcher.utter_message(response="utter_offer_help", help=hint)
            self.progress.failures = 0
