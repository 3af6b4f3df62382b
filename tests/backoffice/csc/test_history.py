"""After a reload the operator's page draws the chat so far: the back-office reads it from Rasa with Rasa's token
(never handed to the browser), and only for a session of the operator's own CSC."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from tests.servers import free_port

RASA_TOKEN = "rasa-secret-token-for-history"


class RasaTrackers:
    """Rasa's `GET /conversations/<id>/tracker?token=`: 401 without the token, an empty tracker for a conversation
    it never saw (as Rasa answers); it records every path asked."""

    def __init__(self) -> None:
        self.events: dict[str, list[dict]] = {}
        self.asked: list[str] = []
        rasa = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                url = urlparse(self.path)
                rasa.asked.append(url.path)
                if parse_qs(url.query).get("token") != [RASA_TOKEN]:
                    self.send_response(401)
                    self.end_headers()
                    return
                sender = url.path.removeprefix("/conversations/").removesuffix("/tracker")
                body = json.dumps({"sender_id": sender, "events": rasa.events.get(sender, [])}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def rasa(desk):
    trackers = RasaTrackers()
    desk.app.config["RASA_TOKEN"] = RASA_TOKEN
    desk.app.config["RASA_INSTANCES"] = [trackers.url]
    yield trackers
    trackers.close()


def user(text: str, intent: str) -> dict:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent, "confidence": 1.0}}}


def bot(text: str, *choices: tuple[str, str]) -> dict:
    return {
        "event": "bot",
        "text": text,
        "data": {"buttons": [{"title": t, "payload": p} for t, p in choices]},
    }


CONVERSATION = [
    {"event": "action", "name": "action_session_start"},
    user("नमस्ते", "greet"),
    {"event": "action", "name": "utter_choose_language"},
    bot(
        "Namaste! 🙏 Welcome / स्वागत\n\nLanguage / भाषा:",
        ("English", '/choose_language{"language":"en"}'),
        ("हिंदी", "/x"),
    ),
    user('/choose_language{"language":"en"}', "choose_language"),
    {"event": "slot", "name": "language", "value": "en"},
    bot("Done. I will talk to you in English."),
    user("My Aadhaar is XXXX-XXXX-9012", "inform"),
    user(
        '/document_received{"document_id":"d1","mime_type":"image/jpeg","filename":"scan"}',
        "document_received",
    ),
    bot("Received: *Aadhaar card*"),
]


def test_the_page_gets_the_chat_so_far_from_rasa_without_its_token(desk, rasa):
    operator = desk.client("op.one")
    session_id, _ = desk.verified(operator)
    rasa.events[f"csc-{session_id}"] = CONVERSATION
    page = operator.get(f"/csc/sessions/{session_id}").get_data(as_text=True)
    assert f'data-history-url="/csc/sessions/{session_id}/history"' in page

    answer = operator.get(f"/csc/sessions/{session_id}/history")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    shown = [(m["who"], m["text"]) for m in answer.get_json()["messages"]]
    assert shown == [
        ("operator", "नमस्ते"),
        ("bot", "Namaste! 🙏 Welcome / स्वागत"),  # a message per paragraph, as the socket sent them
        ("bot", "Language / भाषा:"),
        ("operator", "English"),  # the tapped choice, by its title as the page showed it
        ("bot", "Done. I will talk to you in English."),
        ("operator", "My Aadhaar is XXXX-XXXX-9012"),
        ("operator", "📎 scan"),
        ("bot", "Received: *Aadhaar card*"),
    ]
    assert answer.get_json()["messages"][1]["choices"] == []
    assert answer.get_json()["messages"][2]["choices"][0] == {
        "title": "English",
        "payload": '/choose_language{"language":"en"}',
    }
    assert rasa.asked == [f"/conversations/csc-{session_id}/tracker"]
    assert RASA_TOKEN not in page + answer.get_data(as_text=True)


def test_another_csc_never_reads_the_session_history(desk, rasa):
    session_id, _ = desk.verified(desk.client("op.one"))
    rasa.events[f"csc-{session_id}"] = CONVERSATION
    assert desk.client("op.two").get(f"/csc/sessions/{session_id}/history").status_code == 404
    assert desk.client("mcd.officer").get(f"/csc/sessions/{session_id}/history").status_code == 403
    assert desk.client().get(f"/csc/sessions/{session_id}/history").status_code == 302  # to sign in
    assert rasa.asked == []  # refused before Rasa is asked anything


def test_no_history_before_the_citizens_code(desk, rasa):
    session_id, _ = desk.start(desk.client("op.one"))
    assert desk.client("op.one").get(f"/csc/sessions/{session_id}/history").status_code == 404
    assert rasa.asked == []


def test_rasa_down_is_a_polite_note_and_the_chat_goes_on(desk):
    desk.app.config["RASA_INSTANCES"] = [f"http://127.0.0.1:{free_port()}"]
    operator = desk.client("op.one")
    session_id, _ = desk.verified(operator)
    answer = operator.get(f"/csc/sessions/{session_id}/history")
    assert answer.status_code == 503
    assert answer.get_json() == {
        "messages": [],
        "error": "The earlier messages could not be shown; the chat goes on. / पिछले संदेश नहीं दिख सके; चैट जारी है।",
    }
