"""What the citizen is told about a payment, in English and Hindi; the bot and notifications only fill in blanks."""

from __future__ import annotations

from typing import Any

from catalog.model import known_language
from catalog.money import display

TEXTS: dict[str, dict[str, str]] = {
    "pay_prompt": {
        "en": "Please pay {amount} for {what}. Reference {reference}. Pay here: {url}",
        "hi": "कृपया {what} के लिए {amount} का भुगतान करें। संदर्भ {reference}। यहाँ भुगतान करें: {url}",
    },
    "assessed_fee": {
        "en": "The department has assessed a fee for your application {number}: {amount} ({reason}). Your "
        "application waits for this payment. Reference {reference}.",
        "hi": "विभाग ने आपके आवेदन {number} पर शुल्क तय किया है: {amount} ({reason})। आपका आवेदन इस भुगतान की "
        "प्रतीक्षा में है। संदर्भ {reference}।",
    },
    "paid": {
        "en": "Payment received: {amount} for {what}. Reference {reference}. Your receipt follows.",
        "hi": "भुगतान प्राप्त हुआ: {what} के लिए {amount}। संदर्भ {reference}। आपकी रसीद आगे भेजी जा रही है।",
    },
    "failed_retry": {
        "en": "Your payment of {amount} for {what} did not go through. You can try again with the same link: "
        "{url} . If money left your account, your bank returns it within a few working days.",
        "hi": "{what} के लिए {amount} का आपका भुगतान पूरा नहीं हुआ। आप इसी लिंक से फिर से कोशिश कर सकते हैं: "
        "{url} । अगर आपके खाते से पैसे कटे हैं, तो बैंक उन्हें कुछ कार्य दिवसों में लौटा देगा।",
    },
    "closed_retry": {
        "en": "The payment link for {what} has expired and nothing was paid. Ask here for a new link to try again.",
        "hi": "{what} का भुगतान लिंक समाप्त हो गया है और कोई भुगतान नहीं हुआ। फिर से कोशिश करने के लिए यहाँ नया लिंक माँगें।",
    },
    "flagged": {
        "en": "We received a payment for {what}, but it does not match what was due ({amount}). An officer "
        "will check it and contact you. Please do not pay again. Reference {reference}.",
        "hi": "हमें {what} के लिए भुगतान मिला है, पर यह देय राशि ({amount}) से मेल नहीं खाता। एक अधिकारी इसकी जाँच "
        "करके आपसे संपर्क करेंगे। कृपया दोबारा भुगतान न करें। संदर्भ {reference}।",
    },
    "pending": {
        "en": "We are waiting for your bank to confirm the payment for {what}. You will get a message here. "
        "Please do not pay again. Reference {reference}.",
        "hi": "{what} के भुगतान की पुष्टि के लिए हम आपके बैंक का इंतज़ार कर रहे हैं। आपको यहाँ संदेश मिलेगा। "
        "कृपया दोबारा भुगतान न करें। संदर्भ {reference}।",
    },
    "refunded": {
        "en": "{amount} has been refunded for {what}. Reference {reference}. Banks usually credit it within "
        "5 to 7 working days.",
        "hi": "{what} के लिए {amount} वापस कर दिए गए हैं। संदर्भ {reference}। बैंक आमतौर पर 5 से 7 कार्य दिवसों में "
        "राशि जमा कर देते हैं।",
    },
    "invalid_upic": {
        "en": "That does not look like an MCD property id (UPIC). Please send it as printed on your tax bill.",
        "hi": "यह एमसीडी प्रॉपर्टी आईडी (UPIC) जैसा नहीं लगता। कृपया इसे वैसे ही भेजें जैसा आपके टैक्स बिल पर छपा है।",
    },
    "unknown_property": {
        "en": "We could not find a property with the id {identifier}. Please check it and send it again.",
        "hi": "हमें {identifier} आईडी वाली कोई प्रॉपर्टी नहीं मिली। कृपया जाँच कर फिर से भेजें।",
    },
    "invalid_k_number": {
        "en": "A Delhi Jal Board K-number has 10 digits. Please send it as printed on your water bill.",
        "hi": "दिल्ली जल बोर्ड का के-नंबर 10 अंकों का होता है। कृपया इसे वैसे ही भेजें जैसा आपके पानी के बिल पर छपा है।",
    },
    "unknown_k_number": {
        "en": "We could not find a water connection with the K-number {identifier}. Please check it.",
        "hi": "हमें {identifier} के-नंबर वाला कोई पानी कनेक्शन नहीं मिला। कृपया जाँच लें।",
    },
    "nothing_due": {
        "en": "Nothing is due for {identifier}. It has already been paid.",
        "hi": "{identifier} के लिए कुछ भी देय नहीं है। इसका भुगतान पहले ही हो चुका है।",
    },
    "nothing_to_pay": {
        "en": "There is no fee to pay for this service.",
        "hi": "इस सेवा के लिए कोई शुल्क नहीं है।",
    },
    "fee_not_known": {
        "en": "The fee for this service is set by the department after checking. You will be told before you pay.",
        "hi": "इस सेवा का शुल्क विभाग जाँच के बाद तय करता है। भुगतान से पहले आपको बताया जाएगा।",
    },
}


def text(key: str, language: str | None, **params: str) -> str:
    """Return the message `key` in Hindi for `hi` and English otherwise, with its blanks filled."""
    phrases = TEXTS[key]
    return phrases[known_language(language, "en")].format(**params)


def payment_request(intent: Any, url: str) -> str:
    """The message that asks the citizen to pay an intent at `url`."""
    amount = display(intent.amount_paise)
    return text(
        "pay_prompt",
        intent.language,
        amount=amount,
        what=intent.description,
        reference=intent.reference,
        url=url,
    )


def payment_state(intent: Any) -> str:
    """What to tell a citizen who asks about (or returns from paying) an intent, from its stored status."""
    what, reference, language = intent.description, intent.reference, intent.language
    if intent.status == "paid":
        return text("paid", language, amount=display(intent.amount_paise), what=what, reference=reference)
    if intent.status == "flagged":
        return text("flagged", language, amount=display(intent.amount_paise), what=what, reference=reference)
    if intent.status == "refunded":
        return text(
            "refunded", language, amount=display(intent.refunded_paise), what=what, reference=reference
        )
    if intent.status == "closed":
        return text("closed_retry", language, what=what)
    return text("pending", language, what=what, reference=reference)
