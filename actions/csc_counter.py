"""What differs when a CSC operator applies for a citizen: the counter's charge instead of WhatsApp payments.

These words are said to the operator at the counter (who reads them out), in the session's language; they live
here rather than in domain.yml because they exist only for the CSC channel.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from catalog import Service
from catalog.fees import CSC_FEE_PAISE
from catalog.model import Text
from catalog.money import display as rupees

CHARGE_BEFORE_SUBMISSION = Text(
    en="At the CSC counter: *{total}* = CSC service charge {charge} + government fee {fee}. "
    "Collect it in cash or by UPI after submitting.",
    hi="सीएससी काउंटर पर: *{total}* = सीएससी सेवा शुल्क {charge} + सरकारी शुल्क {fee}। "
    "जमा करने के बाद नकद या यूपीआई से लें।",
)
COLLECT_AFTER_SUBMISSION = Text(
    en="💵 Collect *{total}* (CSC service charge {charge} + government fee {fee}) in cash or by UPI, "
    "then record it on the desk and print the receipt.",
    hi="💵 *{total}* (सीएससी सेवा शुल्क {charge} + सरकारी शुल्क {fee}) नकद या यूपीआई से लें, "
    "फिर डेस्क पर दर्ज करें और रसीद छापें।",
)
FEE_AT_COUNTER = Text(
    en="At a CSC the fee is paid at the counter: record it on the desk, not in the chat.",
    hi="सीएससी पर शुल्क काउंटर पर दिया जाता है: इसे चैट में नहीं, डेस्क पर दर्ज करें।",
)
FEE_ASSESSED = Text(
    en="The department assesses the government fee later; the CSC service charge is {charge}.",
    hi="सरकारी शुल्क विभाग बाद में तय करेगा; सीएससी सेवा शुल्क {charge} है।",
)

CONSENT_ON_WHATSAPP = Text(
    en="Status updates on applications made at a CSC reach the citizen by SMS. WhatsApp reminders and updates are "
    "started or stopped by the citizen from their own WhatsApp, by sending START or STOP there.",
    hi="सीएससी पर किए गए आवेदनों की स्थिति की जानकारी नागरिक को एसएमएस से मिलती है। व्हाट्सऐप पर रिमाइंडर और अपडेट "
    "नागरिक स्वयं अपने व्हाट्सऐप से START या STOP भेजकर शुरू या बंद करते हैं।",
)


def _amounts(total_paise: int) -> dict[str, str]:
    return {
        "total": rupees(total_paise),
        "charge": rupees(CSC_FEE_PAISE),
        "fee": rupees(max(total_paise - CSC_FEE_PAISE, 0)),
    }


def show_charge(
    dispatcher: CollectingDispatcher, service: Service, answers: dict[str, Any], language: str
) -> None:
    """Before submission: the Rs 50 and the government fee for these answers."""
    fee_rupees = service.fee.amount_for(answers)
    if fee_rupees is None:
        dispatcher.utter_message(text=FEE_ASSESSED.get(language).format(charge=rupees(CSC_FEE_PAISE)))
        return
    total = fee_rupees * 100 + CSC_FEE_PAISE
    dispatcher.utter_message(text=CHARGE_BEFORE_SUBMISSION.get(language).format(**_amounts(total)))


def ask_to_collect(dispatcher: CollectingDispatcher, total_paise: int, language: str) -> None:
    """After submission: what to collect (the back-office's total already holds the Rs 50)."""
    dispatcher.utter_message(text=COLLECT_AFTER_SUBMISSION.get(language).format(**_amounts(total_paise)))


def fee_at_counter(dispatcher: CollectingDispatcher, language: str) -> None:
    """A payment asked for in the chat: at a CSC it is taken at the counter."""
    dispatcher.utter_message(text=FEE_AT_COUNTER.get(language))


def consent_on_whatsapp(dispatcher: CollectingDispatcher, language: str) -> None:
    """START or STOP typed at a counter: consent to WhatsApp messages is the citizen's own step on WhatsApp."""
    dispatcher.utter_message(text=CONSENT_ON_WHATSAPP.get(language))
