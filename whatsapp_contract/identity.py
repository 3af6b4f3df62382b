"""Who a citizen is, across every department number: one pseudonymous id per WhatsApp user.

The channel names each conversation by (number, user) so each number's bot keeps its own context; the
back-office keys the person (profile, language, consent, applications) by this id, the same on every number.
Both sides compute it with the same salt (SEVA_ID_SALT), so a phone number is never the key anywhere.
"""

import hashlib
import hmac

CITIZEN_PREFIX = "c-"
# Only good enough for a laptop: a deployment sets its own SEVA_ID_SALT, or every pseudonym is guessable.
DEVELOPMENT_SALT = "seva-development-salt"


def citizen_id(salt: str, user_key: str) -> str:
    """The citizen id of the WhatsApp user `user_key` (their wa_id, or their username-era user id)."""
    digest = hmac.new(salt.encode(), f"citizen:{user_key}".encode(), hashlib.sha256).hexdigest()
    return CITIZEN_PREFIX + digest[:20]
