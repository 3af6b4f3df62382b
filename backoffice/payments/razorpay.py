"""A small client for the parts of Razorpay's API we use: payment links, payments and refunds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from backoffice.payments.settings import PaymentSettings


class GatewayError(Exception):
    """Razorpay refused a request or could not be reached; `code` and `description` are Razorpay's."""

    def __init__(self, status: int, code: str, description: str, field: str | None = None):
        super().__init__(f"{status} {code}: {description}")
        self.status = status
        self.code = code
        self.description = description
        self.field = field


@dataclass
class RazorpayClient:
    """Calls Razorpay (or the local stand-in) with HTTP basic auth `key_id:key_secret`."""

    base_url: str
    key_id: str
    key_secret: str
    timeout: float = 10.0

    @classmethod
    def from_settings(cls, settings: PaymentSettings) -> RazorpayClient:
        """Build a client from the payment settings."""
        return cls(settings.razorpay_base_url, settings.razorpay_key_id, settings.razorpay_key_secret)

    def create_payment_link(self, body: dict[str, Any]) -> dict[str, Any]:
        """`POST /v1/payment_links`: create a hosted payment link and return its entity."""
        return self._call("POST", "/v1/payment_links", json=body)

    def fetch_payment_link(self, link_id: str) -> dict[str, Any]:
        """`GET /v1/payment_links/{id}`: the link's status, amount paid and its payments."""
        return self._call("GET", f"/v1/payment_links/{link_id}")

    def find_payment_links(self, reference_id: str) -> list[dict[str, Any]]:
        """`GET /v1/payment_links?reference_id=`: the links created with one of our references."""
        return self._call("GET", "/v1/payment_links", params={"reference_id": reference_id})["payment_links"]

    def find_payment_links_by_payment(self, payment_id: str) -> list[dict[str, Any]]:
        """`GET /v1/payment_links?payment_id=`: the link a payment was made on."""
        return self._call("GET", "/v1/payment_links", params={"payment_id": payment_id})["payment_links"]

    def fetch_payment(self, payment_id: str) -> dict[str, Any]:
        """`GET /v1/payments/{id}`: one payment's status, amount and method."""
        return self._call("GET", f"/v1/payments/{payment_id}")

    def refund(self, payment_id: str, amount_paise: int, notes: dict[str, str]) -> dict[str, Any]:
        """`POST /v1/payments/{id}/refund`: return money to the payer and the refund entity."""
        return self._call(
            "POST", f"/v1/payments/{payment_id}/refund", json={"amount": amount_paise, "notes": notes}
        )

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response = httpx.request(
                method,
                self.base_url + path,
                auth=(self.key_id, self.key_secret),
                timeout=self.timeout,
                **kwargs,
            )
        except httpx.HTTPError as exc:
            raise GatewayError(0, "GATEWAY_UNREACHABLE", str(exc)) from exc
        if response.status_code >= 400:
            try:
                error = response.json()["error"]
            except (ValueError, KeyError, TypeError):
                error = {}
            raise GatewayError(
                response.status_code,
                error.get("code", "SERVER_ERROR"),
                error.get("description", response.text[:200]),
                error.get("field"),
            )
        return response.json()
