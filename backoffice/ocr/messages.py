"""What the citizen is told, in Hindi and English, when a document is refused; keyed by reason code."""

MESSAGES: dict[str, dict[str, str]] = {
    # Quality gate (backoffice.ocr.quality)
    "blurred": {
        "en": "The photo is blurred. Hold the phone steady, tap the document to focus, and send it again.",
        "hi": "फ़ोटो धुंधली है। फ़ोन को स्थिर रखें, दस्तावेज़ पर टैप करके फ़ोकस करें और फिर से भेजें।",
    },
    "too_dark": {
        "en": "The photo is too dark. Take it in good light, without covering the document, and send it again.",
        "hi": "फ़ोटो बहुत अंधेरी है। अच्छी रोशनी में, दस्तावेज़ को ढके बिना, फ़ोटो लें और फिर से भेजें।",
    },
    "too_small": {
        "en": "The document is too small in the photo. Move closer so it fills the screen, and send it again.",
        "hi": "फ़ोटो में दस्तावेज़ बहुत छोटा है। पास जाकर फ़ोटो लें ताकि वह पूरी स्क्रीन भर दे, और फिर से भेजें।",
    },
    "unreadable": {
        "en": "We could not read the document. Send a clear photo of the whole document, straight on.",
        "hi": "हम दस्तावेज़ नहीं पढ़ पाए। पूरे दस्तावेज़ की साफ़ फ़ोटो सामने से लेकर भेजें।",
    },
    # Intake (backoffice.documents.intake.refusal.CODES)
    "corrupt": {
        "en": "This file could not be opened. Please send the photo or PDF again.",
        "hi": "यह फ़ाइल खुल नहीं पाई। कृपया फ़ोटो या PDF फिर से भेजें।",
    },
    "encrypted": {
        "en": "This PDF is locked with a password. Please send it without the password, or a photo of the document.",
        "hi": "यह PDF पासवर्ड से बंद है। कृपया इसे बिना पासवर्ड के भेजें, या दस्तावेज़ की फ़ोटो भेजें।",
    },
    "too_large": {
        "en": "This file is too large. Send a photo, or a PDF of at most 10 pages and 10 MB.",
        "hi": "यह फ़ाइल बहुत बड़ी है। फ़ोटो भेजें, या अधिकतम 10 पेज और 10 MB की PDF भेजें।",
    },
    "unsupported_type": {
        "en": "We accept only photos (JPEG, PNG) and PDF files. Please send the document in one of these.",
        "hi": "हम केवल फ़ोटो (JPEG, PNG) और PDF फ़ाइलें लेते हैं। कृपया दस्तावेज़ इनमें से किसी एक में भेजें।",
    },
    "checksum_mismatch": {
        "en": "The file was damaged on the way. Please send it again.",
        "hi": "फ़ाइल भेजते समय ख़राब हो गई। कृपया इसे फिर से भेजें।",
    },
}


def message_for(reason: str, language: str = "hi") -> str:
    """The citizen-facing text for `reason` in `language` ("hi" or "en"), falling back to "unreadable"."""
    texts = MESSAGES.get(reason, MESSAGES["unreadable"])
    return texts.get(language, texts["en"])
