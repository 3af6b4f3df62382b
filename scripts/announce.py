"""Waits until every process of `make run` answers, then prints where to click."""

import os
import socket
import sys
import time

SERVICES = {
    "Redis": 6379,
    "Rasa server": 5005,
    "Action server": 5055,
    "Back-office": 5000,
    "WhatsApp stand-in": 8081,
    "Payment gateway stand-in": 8082,
    "SMS provider stand-in": 8084,
}
DEMO_USERS = ("admin", "revenue.officer", "revenue.approver", "mcd.officer", "csc.operator", "nlu.trainer")


def is_listening(port: int) -> bool:
    """Say whether something accepts TCP connections on loopback `port`."""
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def main() -> None:
    """Poll the ports for up to five minutes, then print the links or what is missing."""
    deadline = time.monotonic() + 300
    waiting = dict(SERVICES)
    while waiting and time.monotonic() < deadline:
        waiting = {name: port for name, port in waiting.items() if not is_listening(port)}
        time.sleep(1)
    if waiting:
        print("Still not answering after 5 minutes: " + ", ".join(waiting), file=sys.stderr)
    print(
        "\n"
        "  Seva is ready.\n"
        "  Chat as a citizen (WhatsApp stand-in):  http://127.0.0.1:8081/\n"
        "  Officers' back-office:                  http://127.0.0.1:5000/\n"
        f"    demo logins: {', '.join(DEMO_USERS)} (and more: `flask --app backoffice.app seed` lists them)\n"
        f"    password: {os.environ.get('SEVA_DEMO_PASSWORD', 'see .env')}\n"
        "  Verify a certificate:                   http://127.0.0.1:5000/verify/<number>\n"
        "  Pay a fee, tax or bill: the chat's link opens the gateway stand-in (http://127.0.0.1:8082/pay/...);\n"
        "    demo property id (UPIC) DL05A0012345, water K-number 1234567890\n"
        f"  Rasa HTTP API (token RASA_TOKEN in .env): {os.environ.get('RASA_URL', 'http://127.0.0.1:5005')}\n"
        "  Press Ctrl-C to stop everything.\n",
        flush=True,
    )
    # Stay alive: honcho stops every process when one of them exits.
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
