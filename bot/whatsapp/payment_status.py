"""Forwards WhatsApp payments' `type: payment` statuses to the back-office, which confirms them by a lookup."""

import asyncio
import logging
from typing import Any

import aiohttp

from bot.whatsapp.http import LazySession

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
        for attempt in range(self._attempts):
            if attempt:
                # The back-office may be restarting; the reconciliation job catches whatever is lost here.
                await asyncio.sleep(self._first_delay * 2 ** (attempt - 1))
            try:
                async with self._session.get().post(
                    self._url, json=body, headers=self._headers, timeout=self._timeout
                ) as resp:
                    await resp.read()
                    if resp.status < 300:
                        return True
                    if resp.status < 500:
                        logger.warning(
                            "back-office refused payment status of %s: HTTP %s", reference, resp.status
                        )
                        return False
                    logger.info("back-office answered %s to payment status of %s", resp.status, reference)
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                logger.info("payment status of %s not forwarded yet: %s", reference, type(exc).__name__)
        logger.error("gave up forwarding payment status of %s", reference)
        return False
