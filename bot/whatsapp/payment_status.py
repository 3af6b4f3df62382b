"""Forwards WhatsApp payments' `type: payment` statuses to the back-office, which confirms them by a lookup."""

import logging
from typing import Any

import aiohttp

from bot.whatsapp.http import LazySession, post_with_retries

logger = logging.getLogger(__name__)

PATH = "/api/v1/payments/whatsapp/status"


def is_payment_status(raw: dict[str, Any]) -> bool:
    """True for the status object Meta sends about an `order_details` payment."""
    return raw.get("type") == "payment" and isinstance(raw.get("payment"), dict)


class PaymentStatusForwarder:
    """POSTs each payment status, as Meta sent it, to `POST /api/v1/payments/whatsapp/status` with the Bearer token."""

    def __init__(
        self,
        session: LazySession,
        base_url: str,
        token: str,
        attempts: int = 4,
        first_delay: float = 0.5,
        timeout: float = 10.0,
    ) -> None:
        self._session = session
        self._url = base_url.rstrip("/") + PATH
        self._headers = {"Authorization": f"Bearer {token}"}
        self._attempts = attempts
        self._first_delay = first_delay
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    async def forward(self, raw: dict[str, Any], phone_number_id: str) -> bool:
        """Hand one status over; True once the back-office took it (2xx), False after the last attempt."""
        body = {"status": raw, "phone_number_id": phone_number_id}
        reference = str((raw.get("payment") or {}).get("reference_id", ""))[:16]
        status = await post_with_retries(
            self._session, self._url, body, self._headers, self._timeout, self._attempts, self._first_delay
        )
        if status is None:
            # The reconciliation job catches whatever is lost here.
            logger.error("gave up forwarding payment status of %s", reference)
        elif status >= 300:
            logger.warning("back-office refused payment status of %s: HTTP %s", reference, status)
        return status is not None and status < 300
