"""Render Rasa bot messages into WhatsApp Cloud API message bodies within Meta's limits."""

import logging
import posixpath
import unicodedata
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from whatsapp_contract import limits

logger = logging.getLogger(__name__)

ELLIPSIS = "…"
# Row ids starting with this are the channel's own "More…" rows, never a bot payload.
MORE_PREFIX = "seva-more:"
LIST_BUTTON_LABEL = {"en": "Choose", "hi": "चुनें"}
MORE_LABEL = {"en": "More…", "hi": "और…"}
# Places to split long text, best first: paragraphs, lines, sentences (Latin and Devanagari), words.
SPLIT_POINTS = ("\n\n", "\n", ". ", "। ", "? ", "! ", " ")


@dataclass(frozen=True)
class Recipient:
    """Who a reply goes to: the citizen's address and the department number they wrote to."""

    phone_number_id: str
    wa_id: str = ""
    user_id: str = ""

    def address(self) -> dict[str, str]:
        """The addressing fields of a send: `to` for a phone number, `recipient` for a username id."""
        return {"to": self.wa_id} if self.wa_id else {"recipient": self.user_id}


@dataclass(frozen=True)
class Choice:
    """One button the bot offered: what the citizen sees and what the bot gets back."""

    title: str
    payload: str


@dataclass
class Rendered:
    """Message contents to send in order, and the choices left for later list pages."""

    contents: list[dict[str, Any]] = field(default_factory=list)
    rest: list[Choice] = field(default_factory=list)
    rest_text: str = ""


def envelope(recipient: Recipient, content: dict[str, Any]) -> dict[str, Any]:
    """The full POST body of a send: Meta's fixed fields, the address and the content."""
    return {"messaging_product": "whatsapp", "recipient_type": "individual", **recipient.address(), **content}


def language_of(text: str) -> str:
    """ "hi" when the text holds Devanagari, else "en": used only for the channel's own labels."""
    return "hi" if any("\u0900" <= ch <= "\u097f" for ch in text) else "en"


def _clean_cut(text: str, cut: int) -> int:
    """Move a cut left so it never separates a Devanagari vowel sign or virama from its letter."""
    while 0 < cut < len(text) and unicodedata.category(text[cut]).startswith("M"):
        cut -= 1
    return cut


def fit(text: str, limit: int) -> str:
    """Shorten one-line text to `limit` characters at a word boundary, ending with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    if text[limit - 1] != " ":
        space = head.rfind(" ")
        # A single word longer than the limit has to be cut inside it; nothing else fits.
        head = head[:space] if space > 0 else head[: _clean_cut(text, limit - 1)]
    return head.rstrip(" ,;:-–(") + ELLIPSIS


def split_text(text: str, limit: int = limits.TEXT_BODY) -> list[str]:
    """Split text into parts of at most `limit` characters at paragraph, sentence or word ends."""
    parts = []
    text = text.strip()
    while len(text) > limit:
        cut = _split_point(text, limit)
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        parts.append(text)
    return parts


def _split_point(text: str, limit: int) -> int:
    for mark in SPLIT_POINTS:
        # Only accept a split in the second half, or a stray early newline would make tiny parts.
        pos = text.rfind(mark, limit // 2, limit + 1)
        if pos != -1:
            return pos + len(mark.rstrip())
    return _clean_cut(text, limit)


def text_contents(text: str) -> list[dict[str, Any]]:
    """Plain text messages, split at 4096 characters."""
    return [{"type": "text", "text": {"body": part}} for part in split_text(text)]


def _lead_and_body(text: str, body_limit: int) -> tuple[list[dict[str, Any]], str]:
    """Text too long for an interactive body goes first as plain messages; the tail becomes the body."""
    parts = split_text(text or ELLIPSIS)
    tail = split_text(parts.pop(), body_limit)
    body = tail.pop()
    lead = [{"type": "text", "text": {"body": part}} for part in parts + tail]
    return lead, body


def _unique_titles(titles: list[str], limit: int) -> list[str]:
    """Meta refuses two reply buttons with the same title; number the repeats."""
    seen: set[str] = set()
    unique = []
    for title in titles:
        candidate, n = title, 2
        while candidate in seen:
            suffix = f" {n}"
            candidate = fit(title, limit - len(suffix)) + suffix
            n += 1
        seen.add(candidate)
        unique.append(candidate)
    return unique


def choices_from_buttons(buttons: list[dict[str, Any]]) -> list[Choice]:
    """Rasa buttons (or quick replies) as choices; a button without payload sends its title."""
    choices = []
    for button in buttons:
        title = str(button.get("title") or button.get("payload") or "").strip()
        payload = str(button.get("payload") or title).strip()
        if title:
            choices.append(Choice(title, payload))
    return choices


def render_choices(text: str, choices: list[Choice], more_id: str, next_page: bool = False) -> Rendered:
    """Reply buttons for up to 3 choices, a list for up to 10, else a list page ending in "More…".

    A `next_page` of a list stays a list, however few choices are left.
    """
    if len(choices) <= limits.MAX_BUTTONS and not next_page:
        lead, body = _lead_and_body(text, limits.BUTTON_BODY)
        titles = _unique_titles([fit(c.title, limits.BUTTON_TITLE) for c in choices], limits.BUTTON_TITLE)
        buttons = [
            {"type": "reply", "reply": {"id": c.payload, "title": t}}
            for c, t in zip(choices, titles, strict=True)
        ]
        interactive = {"type": "button", "body": {"text": body}, "action": {"buttons": buttons}}
        return Rendered(lead + [{"type": "interactive", "interactive": interactive}])

    lead, body = _lead_and_body(text, limits.LIST_BODY)
    language = language_of(text + "".join(c.title for c in choices))
    if len(choices) <= limits.MAX_ROWS:
        shown, rest = choices, []
    else:
        shown, rest = choices[: limits.MAX_ROWS - 1], choices[limits.MAX_ROWS - 1 :]
    rows = [_row(c) for c in shown]
    if rest:
        rows.append({"id": more_id, "title": MORE_LABEL[language]})
    interactive = {
        "type": "list",
        "body": {"text": body},
        "action": {"button": LIST_BUTTON_LABEL[language], "sections": [{"rows": rows}]},
    }
    return Rendered(lead + [{"type": "interactive", "interactive": interactive}], rest, body)


def _row(choice: Choice) -> dict[str, str]:
    title = fit(choice.title, limits.ROW_TITLE)
    row = {"id": choice.payload, "title": title}
    if title != " ".join(choice.title.split()):
        # The whole title still reaches the citizen, in the row's second line.
        row["description"] = fit(choice.title, limits.ROW_DESCRIPTION)
    return row


def media_content(kind: str, media: dict[str, Any]) -> dict[str, Any] | None:
    """An image or document message from `{"link"|"id", "filename", "caption"}`, or None if unusable."""
    source = {key: str(media[key]) for key in ("id", "link") if media.get(key)}
    if not source:
        logger.warning("dropping a %s message with neither link nor id", kind)
        return None
    content = dict(list(source.items())[:1])
    if media.get("caption"):
        content["caption"] = _fit_caption(str(media["caption"]))
    if kind == "document":
        filename = str(media.get("filename") or _filename_from(content.get("link", "")) or "document.pdf")
        content["filename"] = filename[-limits.DOCUMENT_FILENAME :]
    return {"type": kind, kind: content}


def _fit_caption(caption: str) -> str:
    return (
        caption if len(caption) <= limits.CAPTION else split_text(caption, limits.CAPTION - 1)[0] + ELLIPSIS
    )


def _filename_from(link: str) -> str:
    return posixpath.basename(urlparse(link).path)


def render_message(message: dict[str, Any], more_id: str) -> Rendered:
    """All contents for one Rasa bot message: text or choices, then custom media, image, attachment."""
    text = str(message.get("text") or "")
    choices = choices_from_buttons(message.get("buttons") or message.get("quick_replies") or [])
    rendered = render_choices(text, choices, more_id) if choices else Rendered(text_contents(text))
    custom = message.get("custom")
    if isinstance(custom, dict):
        for kind in ("image", "document"):
            if isinstance(custom.get(kind), dict):
                rendered.contents.append(media_content(kind, custom[kind]))
        if not any(kind in custom for kind in ("image", "document")):
            logger.warning("dropping custom json the WhatsApp channel cannot send (keys %s)", sorted(custom))
    if message.get("image"):
        rendered.contents.append(media_content("image", {"link": message["image"]}))
    attachment = message.get("attachment")
    if isinstance(attachment, str) and attachment:
        rendered.contents.append(media_content("document", {"link": attachment}))
    if message.get("elements"):
        logger.warning("dropping carousel elements: WhatsApp has no carousel for service messages")
    rendered.contents = [c for c in rendered.contents if c is not None]
    return rendered
