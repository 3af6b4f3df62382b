"""The citizen's phone in the stand-in: the text and the choices of a message the bot sent, and the taps on them."""


def text_of(message: dict) -> str:
    """The visible text of an outbound message body, whatever its type."""
    body = message["body"]
    if body["type"] == "text":
        return body["text"]["body"]
    if body["type"] == "interactive":
        return body["interactive"]["body"]["text"]
    return ""


def choices_of(message: dict) -> list[dict]:
    """The reply buttons or list rows of an outbound message, as taps the stand-in accepts."""
    body = message["body"]
    if body["type"] != "interactive":
        return []
    interactive = body["interactive"]
    if interactive["type"] == "button":
        return [
            {"type": "button_reply", "id": b["reply"]["id"], "title": b["reply"]["title"]}
            for b in interactive["action"]["buttons"]
        ]
    rows = [row for section in interactive["action"]["sections"] for row in section["rows"]]
    return [{"type": "list_reply", "id": r["id"], "title": r["title"]} for r in rows]


def choice(message: dict, title: str) -> dict:
    """The tap on the button or row titled `title`."""
    matches = [c for c in choices_of(message) if c["title"] == title]
    assert matches, f"no choice titled {title!r} in {choices_of(message)}"
    return matches[0]


def tap_where(message: dict, id_part: str) -> dict:
    """The choice whose payload contains `id_part`."""
    matches = [c for c in choices_of(message) if id_part in c["id"]]
    assert matches, f"no choice with {id_part!r} in {choices_of(message)}"
    return matches[0]
