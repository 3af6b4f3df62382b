"""Outgoing mail over SMTP: the one sender every room uses (aiosmtpd on loopback in development and tests)."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.policy import SMTP

from flask import current_app


def new_message(to: list[str] | str, subject: str) -> EmailMessage:
    """A message from MAIL_FROM; long header values (links) are not folded into encoded words."""
    message = EmailMessage(policy=SMTP.clone(max_line_length=998))
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to if isinstance(to, str) else ", ".join(to)
    message["Subject"] = subject
    return message


def send(message: EmailMessage) -> None:
    """Hand `message` to the SMTP relay of SMTP_HOST:SMTP_PORT (STARTTLS and login when configured)."""
    config = current_app.config
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=15) as smtp:
        if config["SMTP_STARTTLS"]:
            smtp.starttls()
        if config["SMTP_USERNAME"]:
            smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
        smtp.send_message(message)
