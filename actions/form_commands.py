"""The explicit commands that may interrupt a question inside a form, in English, Hindi and Hinglish.

Inside a form, typed free text is the answer to the question asked: a name such as "Ram Prakash Sharma"
reads like a greeting to the classifier, "Madad Ali" like a call for help. Only a message that is, as a
whole, one of these commands (give or take "please") interrupts a free-text question.
"""

from __future__ import annotations

import re

COMMANDS: dict[str, tuple[str, ...]] = {
    "main_menu": (
        "menu", "main menu", "show menu", "show the menu", "go to menu", "back to menu", "home", "open menu",
        "menu dikhao", "menu dikhaiye", "menu batao", "menu pe jao",
        "मेनू", "मेन्यू", "मुख्य मेनू", "मेनू दिखाओ", "मेनू दिखाइए", "मेन्यू दिखाओ",
    ),
    "opt_out": (
        "stop", "stop all", "unsubscribe", "opt out", "stop messages", "stop sending messages",
        "band karo", "message band karo", "messages band karo", "msg mat bhejo", "message mat bhejo",
        "messages mat bhejo", "mat bhejo",
        "बंद करो", "बंद करें", "मैसेज बंद करो", "मैसेज मत भेजो", "संदेश मत भेजो", "मत भेजो",
    ),
    "cancel": (
        "cancel", "cancel it", "cancel this", "cancel application", "cancel the application",
        "cancel my application", "i want to cancel", "cancel karo", "cancel kar do", "cancel kardo",
        "radd", "radd karo", "radd kar do", "application cancel karo", "aavedan radd karo",
        "रद्द", "रद्द करो", "रद्द करें", "रद्द कर दो", "आवेदन रद्द करें", "आवेदन रद्द करो", "कैंसल", "कैंसल करो",
    ),
    "help": (
        "help", "help me", "i need help", "need help", "madad", "madad karo", "madad chahiye", "sahayata",
        "help chahiye", "help karo",
        "मदद", "मदद करो", "मदद करें", "मदद चाहिए", "सहायता", "सहायता चाहिए",
    ),
    "talk_to_human": (
        "human", "talk to a human", "talk to human", "talk to a person", "talk to person", "talk to someone",
        "talk to an officer", "talk to officer", "agent", "talk to agent", "talk to an agent",
        "agent se baat karao", "agent se baat karni hai", "officer se baat karao", "kisi se baat karao",
        "kisi insaan se baat karao", "adhikari se baat karao",
        "किसी अधिकारी से बात", "किसी अधिकारी से बात करनी है", "अधिकारी से बात करवाओ", "किसी से बात करवाओ",
        "एजेंट से बात कराओ", "किसी व्यक्ति से बात करनी है",
    ),
    "go_back": (
        "back", "go back", "previous", "previous question", "peeche", "pichhe", "piche jao", "wapas",
        "पीछे", "पीछे जाओ", "पिछला सवाल", "वापस",
    ),
    "skip": ("skip", "skip it", "skip this", "chhodo", "chodo", "छोड़ें", "छोड़ो", "आगे बढ़ो"),
    "change_language": (
        "change language", "language", "bhasha badlo", "bhasha badliye", "भाषा बदलें", "भाषा बदलो",
    ),
}  # fmt: skip

# Courtesy that may come before or after a command without changing it.
_POLITE = re.compile(r"^(?:please|pls|plz|kripya|कृपया)\s+|\s+(?:please|pls|plz|ji|जी|kijiye|कीजिए)$")
_LOOKUP = {phrase: intent for intent, phrases in COMMANDS.items() for phrase in phrases}


def _normalised(text: str) -> str:
    text = re.sub(r"[^\w\s\u0900-\u097F]", " ", text.casefold())
    text = " ".join(text.split())
    previous = None
    while previous != text:
        previous, text = text, _POLITE.sub("", text).strip()
    return text


def command_in(text: str) -> str | None:
    """The intent of an explicit command (`cancel`, `main_menu`, `opt_out`, `help`, ...), or None for anything else."""
    return _LOOKUP.get(_normalised(text))
