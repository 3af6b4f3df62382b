"""What a citizen owes for one subject, as labelled lines: service fees plus the CSC operator's fee."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

CSC_FEE_PAISE = 5000  # Rs 50 when a Common Service Centre operator applies for the citizen


class ChargeError(Exception):
    """Nothing can be charged; `code` names a message in `messages.TEXTS` and `identifier` fills it."""

    def __init__(self, code: str, identifier: str = ""):
        super().__init__(code)
        self.code = code
        self.identifier = identifier


@dataclass(frozen=True)
class Charge:
    """An amount to collect for one subject; `subject_key` is what can be paid only once."""

    purpose: str  # application_fee | property_tax | water_bill
    subject_key: str
    description_en: str
    description_hi: str
    lines: tuple[dict[str, Any], ...]
    application_id: int | None = None
    # When the amount stops being right (a rebate's last day); the payment link expires then.
    valid_until: datetime | None = None
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def total_paise(self) -> int:
        """The sum of the lines, rebates included as negative lines."""
        return sum(line["amount_paise"] for line in self.lines)

    def description(self, language: str | None) -> str:
        """The subject's name in the citizen's language."""
        return self.description_hi if language == "hi" else self.description_en


def line(
    code: str, label_en: str, label_hi: str, amount_paise: int, ledger: str | None = None
) -> dict[str, Any]:
    """One labelled line of a charge; `ledger` names the ledger row it settles, as `table:id`."""
    return {
        "code": code,
        "label_en": label_en,
        "label_hi": label_hi,
        "amount_paise": amount_paise,
        "ledger": ledger,
    }


def application_charge(application_id: int, service: Any, answers: dict[str, Any], via_csc: bool) -> Charge:
    """The fee for an application of a catalog service, plus Rs 50 when a CSC operator applied for the citizen."""
    fee_rupees = service.fee.amount_for(answers)
    if fee_rupees is None:
        raise ChargeError("fee_not_known", service.id)
    lines = []
    if fee_rupees:
        lines.append(line("fee", f"Fee: {service.name.en}", f"शुल्क: {service.name.hi}", fee_rupees * 100))
    if via_csc:
        lines.append(line("csc_fee", "CSC service charge", "सीएससी सेवा शुल्क", CSC_FEE_PAISE))
    if not lines:
        raise ChargeError("nothing_to_pay", service.id)
    return Charge(
        purpose="application_fee",
        subject_key=f"application:{application_id}",
        description_en=f"{service.name.en} (application {application_id})",
        description_hi=f"{service.name.hi} (आवेदन {application_id})",
        lines=tuple(lines),
        application_id=application_id,
    )
