"""Redis keys the back-office writes and the WhatsApp channel reads (and back), so neither calls the other per message.

- While an officer has a conversation (`handover_key`), the channel runs no bot turn for it and forwards the
  citizen's messages to the back-office instead, except the STOP and menu keywords.
- A free-form message Meta refused outside the 24-hour window (error 131047) waits in `held_key` after the
  re-engagement template went out; the channel sends it as soon as the citizen writes again.
- The channel records the status webhooks of every message in `status_key` (sent, delivered, read, failed).

Keys are per conversation: the bot's pseudonymous sender id (never a phone number); messages the back-office
holds for a person outside any conversation (a payment confirmation) use the person's id
(`whatsapp_contract.identity.citizen_id`) instead, and the channel looks under both.
"""

import json
from typing import Any

# A flag outlives a forgotten handover by at most this long; every forwarded message renews it.
HANDOVER_SECONDS = 7 * 24 * 3600
# Meta reports a closed window by a `failed` status within seconds; a sent body is kept this long to hold it.
SENT_SECONDS = 3600
# A held message older than this is stale news; the re-engagement template has told the citizen anyway.
HELD_SECONDS = 30 * 24 * 3600
# The approved utility template that reopens the window, and the payload of its "Continue" button.
RESUME_TEMPLATE = "resume_conversation"
RESUME_PAYLOAD = "seva:resume"


def handover_key(conversation: str) -> str:
    """Set (to the handover id) while an officer holds the conversation."""
    return f"seva:handover:active:{conversation}"


def held_key(conversation: str) -> str:
    """A list of messages waiting for the citizen's next message (see `held_entry`)."""
    return f"seva:wa:held:{conversation}"


def status_key(wamid: str) -> str:
    """A hash of the statuses Meta reported for one of our messages: {status: unix time, "errors": codes}."""
    return f"seva:wa:status:{wamid}"


def held_sent_key(ref: str) -> str:
    """The wamid a held message got when the channel finally sent it (its `ref`), to follow its statuses."""
    return f"seva:wa:held-sent:{ref}"


def sent_key(wamid: str) -> str:
    """A free-form message we sent (as a `held_entry`), kept briefly: Meta may report it failed with 131047."""
    return f"seva:wa:sent:{wamid}"


def held_entry(phone_number_id: str, body: dict[str, Any], ref: str = "") -> str:
    """One held message: the Graph API body to send again from `phone_number_id`; `ref` names it for its sender."""
    return json.dumps({"phone_number_id": phone_number_id, "body": body, "ref": ref}, ensure_ascii=False)


def resume_template(address: dict[str, str], language: str) -> dict[str, Any]:
    """The Graph API body of the re-engagement template to `address` ({"to"} or {"recipient"})."""
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        **address,
        "type": "template",
        "template": {
            "name": RESUME_TEMPLATE,
            "language": {"code": language if language in ("hi", "en") else "en"},
            "components": [
                {"type": "button", "sub_type": "quick_reply", "index": "0",
                 "parameters": [{"type": "payload", "payload": RESUME_PAYLOAD}]},
            ],
        },
    }  # fmt: skip
