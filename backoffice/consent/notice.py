"""The versioned, bilingual privacy notice (`notice.yaml`): the web page's content and its chat form."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

NOTICE_FILE = Path(__file__).with_name("notice.yaml")


@cache
def versions() -> tuple[dict[str, Any], ...]:
    """Every published version, newest first."""
    return tuple(yaml.safe_load(NOTICE_FILE.read_text(encoding="utf-8")))


def current() -> dict[str, Any]:
    """The notice shown now."""
    return versions()[0]


def by_version(version: str) -> dict[str, Any] | None:
    """An earlier (or the current) version, for the evidence of a consent given under it."""
    return next((v for v in versions() if v["version"] == version), None)


def chat_text(language: str, url: str, purposes: tuple[str, ...]) -> str:
    """The notice as one WhatsApp message in `language`, itemised, asking consent for `purposes`."""
    notice = current()
    hi = language == "hi"
    lines = ["*सूचना: आपका डेटा और आपकी सहमति*" if hi else "*Notice: your data and your consent*", ""]
    for item in notice["items"]:
        lines.append(f"• {item['data'][language]}: {item['purpose'][language]}")
    lines += ["", "आप इनकी सहमति दे रहे हैं:" if hi else "You are agreeing to:"]
    lines += [f"• {notice['purposes'][p][language]}" for p in purposes]
    grievance = notice["grievance"]
    lines += [
        "",
        notice["withdraw"][language],
        notice["how_to_use_rights"][language],
        f"{grievance['name'][language]}: {grievance['email']}, {grievance['phone']}",
        "",
        (f"पूरी सूचना (संस्करण {notice['version']}): {url}" if hi
         else f"Full notice (version {notice['version']}): {url}"),
    ]  # fmt: skip
    return "\n".join(lines)
