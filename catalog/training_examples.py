"""Generates the NLU examples that name services (data/nlu/services.yml) from the catalog's synonyms.

Run `python -m catalog.training_examples` after editing a service's synonyms; a test fails while the
committed file is out of date. The output is deterministic: the same catalog gives the same file.
"""

from __future__ import annotations

import random
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import yaml

from catalog.loader import load_catalog
from catalog.model import Catalog, Service

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "data" / "nlu" / "services.yml"
# Held-out test messages are never trained on, even when a frame happens to produce one.
HELDOUT = ROOT / "tests" / "nlu" / "heldout.yml"

# Sentence frames per intent and language group; {s} is a way of naming the service.
FRAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "apply_service": {
        "en": ("I want to apply for {s}", "need {s}", "how to apply for {s}?", "{s} apply", "I need a {s} please",
               "can you help me get {s}", "apply {s} online", "want {s} for my son", "how do I make {s}",
               "{s} for my father", "I would like to get {s}", "start my {s} application", "get {s} made"),
        "hi": ("{s} बनवाना है", "मुझे {s} चाहिए", "{s} के लिए आवेदन करना है", "{s} कैसे बनेगा", "{s} का आवेदन",
               "{s} के लिए अप्लाई करना है", "मेरी माँ के लिए {s} चाहिए", "{s} का फॉर्म भरना है", "{s} बनाना है"),
        "hinglish": ("{s} banwana hai", "mujhe {s} chahiye", "{s} ke liye apply karna hai", "{s} kaise banega",
                     "{s} bnwana h", "{s} ka form bharna hai", "{s} chahiye jaldi", "{s} ke liye aavedan",
                     "beti ke liye {s} chahiye", "{s} banana hai", "{s} apply karna h"),
    },
    "pay_bill": {
        "en": ("pay {s}", "I want to pay my {s}", "how to pay {s} online", "{s} payment", "pay my {s} now"),
        "hi": ("{s} जमा करना है", "{s} भरना है", "{s} का भुगतान करना है", "{s} ऑनलाइन भरना है"),
        "hinglish": ("{s} bharna hai", "{s} jama karna hai", "{s} pay karna h", "{s} ka payment karna hai",
                     "{s} online bharna hai"),
    },
    "ask_documents": {
        "en": ("what documents are needed for {s}", "documents for {s}?", "which papers do I need for {s}",
               "{s} documents list", "what to upload for {s}", "papers required for {s}", "what proofs for {s}"),
        "hi": ("{s} के लिए कौन से दस्तावेज चाहिए", "{s} में क्या क्या कागज लगते हैं", "{s} के लिए डॉक्यूमेंट",
               "{s} के लिए कौन से कागज़ात लगेंगे", "{s} के लिए क्या क्या लगेगा", "{s} के दस्तावेज़ बताइए"),
        "hinglish": ("{s} ke liye kya documents chahiye", "{s} me kya kya kagaz lagenge", "{s} ke documents batao",
                     "{s} ke liye konse papers lagte hai", "{s} ke liye kya kya lagta hai", "{s} ke kagzat kya hai"),
    },
    "ask_fees": {
        "en": ("what is the fee for {s}", "how much does {s} cost", "{s} fees?", "is {s} free", "charges for {s}",
               "how much to pay for {s}"),
        "hi": ("{s} की फीस कितनी है", "{s} का शुल्क क्या है", "{s} में कितना पैसा लगेगा", "{s} का खर्च कितना होगा",
               "{s} के कितने पैसे लगते हैं"),
        "hinglish": ("{s} ki fees kitni hai", "{s} me kitna paisa lagega", "{s} ka charge kya hai", "{s} free hai kya",
                     "{s} ka kharcha kitna hai"),
    },
    "ask_deadline": {
        "en": ("how long does {s} take", "how many days for {s}", "when will I get my {s}", "{s} time limit",
               "by when is {s} issued"),
        "hi": ("{s} कितने दिन में मिलेगा", "{s} में कितना समय लगता है", "{s} कब तक बनेगा", "{s} कितने दिनों में बनता है"),
        "hinglish": ("{s} kitne din me milega", "{s} banne me kitna time lagta hai", "{s} kab tak milega",
                     "{s} kitne dino me banta hai"),
    },
    "ask_eligibility": {
        "en": ("who can apply for {s}", "am I eligible for {s}", "eligibility for {s}", "what is the age limit for {s}",
               "do I qualify for {s}", "eligibility criteria of {s}"),
        "hi": ("{s} के लिए कौन पात्र है", "{s} कौन ले सकता है", "{s} की पात्रता क्या है", "{s} के लिए उम्र सीमा क्या है",
               "क्या मैं {s} के लिए पात्र हूँ"),
        "hinglish": ("{s} ke liye kaun apply kar sakta hai", "kya main {s} ke liye eligible hu",
                     "{s} ki eligibility kya hai", "{s} kisko milta hai", "{s} ke liye age limit kya hai",
                     "{s} ke liye umar seema kya hai"),
    },
    "check_status": {
        "en": ("status of my {s}", "what happened to my {s} application", "track {s} application"),
        "hi": ("मेरे {s} का स्टेटस क्या है", "{s} का आवेदन कहाँ तक पहुँचा"),
        "hinglish": ("mere {s} ka status kya hai", "{s} ki application kaha tak pahunchi"),
    },
}  # fmt: skip
# Whose certificate it is: citizens say it with a kinship word before the service ("dadi ka death certificate").
KIN: dict[str, tuple[str, ...]] = {
    "en": ("my grandmother's", "my husband's", "my wife's", "my father's", "my mother's", "my son's",
           "my daughter's", "my brother's", "my grandfather's"),
    "hi": ("दादी का", "दादा जी का", "पति का", "पत्नी का", "पिता जी का", "माँ का", "बेटे का", "बेटी का", "भाई का",
           "नानी का", "सास का"),
    "hinglish": ("dadi ka", "dada ji ka", "pati ka", "patni ka", "pita ji ka", "papa ka", "mummy ka", "maa ka",
                 "bete ka", "beti ka", "bhai ka", "nani ka", "sasur ji ka"),
}  # fmt: skip
KIN_FRAMES: dict[str, tuple[str, ...]] = {
    "en": ("{k} {s}", "need {k} {s}", "apply {k} {s}"),
    "hi": ("{k} {s} बनवाना है", "{k} {s} चाहिए"),
    "hinglish": ("{k} {s} banwana hai", "{k} {s} chahiye", "mere {k} {s} bnwana h"),
}  # fmt: skip
# How many examples each service gets per intent and language group.
COUNTS = {
    "apply_service": {"en": 4, "hi": 3, "hinglish": 4},
    "ask_documents": {"en": 2, "hi": 2, "hinglish": 2},
    "ask_fees": {"en": 1, "hi": 1, "hinglish": 1},
    "ask_deadline": {"en": 1, "hi": 1, "hinglish": 1},
    "ask_eligibility": {"en": 1, "hi": 1, "hinglish": 2},
}
# WhatsApp habits applied to some romanised examples.
SHORTHAND = (
    ("please", "plz"),
    ("you", "u"),
    (" hai", " h"),
    ("chahiye", "chaiye"),
    ("karna", "krna"),
    ("kya", "kia"),
)


def _names(service: Service, group: str, rng: random.Random) -> Iterator[str]:
    """Cycle through the service's synonyms for a language group; Hinglish speakers also use English names."""
    names = list(service.synonyms[group]) + (list(service.synonyms["en"]) if group == "hinglish" else [])
    rng.shuffle(names)
    while True:
        yield from names


def _whatsapp_style(text: str, rng: random.Random) -> str:
    if re.search(r"[\u0900-\u097F]", text) or rng.random() < 0.5:
        return text
    text = text.lower().rstrip("?")
    for long, short in SHORTHAND:
        if rng.random() < 0.5:
            text = text.replace(long, short)
    return text


def _typo(name: str, rng: random.Random) -> str | None:
    """The name with one slip of the thumb in its longest word (a letter dropped, doubled or swapped), if any."""
    words = name.split()
    index = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[index]
    if len(word) < 5 or not word.isascii():
        return None
    at = rng.randrange(1, len(word) - 2)
    slip = rng.choice(("drop", "double", "swap"))
    if slip == "drop":
        word = word[:at] + word[at + 1 :]
    elif slip == "double":
        word = word[:at] + word[at] + word[at:]
    else:
        word = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    return " ".join(words[:index] + [word] + words[index + 1 :])


def service_examples(service: Service) -> dict[str, list[str]]:
    """Return example messages naming `service`, by intent."""
    rng = random.Random(service.id)
    is_payment = service.issues.kind == "receipt"
    names = {group: _names(service, group, rng) for group in ("en", "hi", "hinglish")}
    examples: dict[str, list[str]] = {}
    for intent, per_group in COUNTS.items():
        if is_payment and intent in ("ask_deadline", "ask_eligibility"):
            continue
        frames_intent = "pay_bill" if is_payment and intent == "apply_service" else intent
        for group, count in per_group.items():
            frames = rng.sample(FRAMES[frames_intent][group], count)
            examples.setdefault(frames_intent, []).extend(
                _whatsapp_style(frame.format(s=next(names[group])), rng) for frame in frames
            )
    group = rng.choice(("en", "hi", "hinglish"))
    examples["check_status"] = [rng.choice(FRAMES["check_status"][group]).format(s=next(names[group]))]
    # A bare name is how many citizens start; it means they want the service.
    bare = [next(names["hi"]), next(names["hinglish"])]
    wanting = examples["pay_bill" if is_payment else "apply_service"]
    wanting.extend(bare)
    # Misspelt names ("brith certficate") still mean the service.
    for group in ("en", "hinglish"):
        misspelt = _typo(next(names[group]), rng)
        if misspelt:
            wanting.append(
                rng.choice(FRAMES["apply_service" if not is_payment else "pay_bill"][group]).format(
                    s=misspelt
                )
            )
    # Whose paper it is matters for certificates and licences; a grievance or a bill belongs to nobody else.
    if service.issues.kind in ("certificate", "licence"):
        for group in ("en", "hi", "hinglish"):
            kin = rng.choice(KIN[group])
            wanting.append(rng.choice(KIN_FRAMES[group]).format(k=kin, s=next(names[group])))
    return examples


def comparable(text: str) -> str:
    """Return `text` as compared for duplicates: case, punctuation and spacing ignored."""
    return " ".join(re.sub(r"[?!.,]", "", text.casefold()).split())


def heldout_texts(path: Path = HELDOUT) -> set[str]:
    """Return the held-out messages in comparable form (none when the file is absent)."""
    if not path.exists():
        return set()
    return {comparable(m["text"]) for m in yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]}


def generate(catalog: Catalog, exclude: Iterable[str] = ()) -> str:
    """Return the Rasa NLU YAML with examples for every service in `catalog`, leaving out `exclude`."""
    by_intent: dict[str, list[str]] = {}
    seen = {comparable(text) for text in exclude}
    for service in catalog.values():
        for intent, texts in service_examples(service).items():
            for text in texts:
                if comparable(text) not in seen:
                    seen.add(comparable(text))
                    by_intent.setdefault(intent, []).append(text)
    lines = [
        "# Generated by `python -m catalog.training_examples` from data/services/*.yml. Do not edit by hand.",
        'version: "3.1"',
        "nlu:",
    ]
    for intent in sorted(by_intent):
        lines += [f"  - intent: {intent}", "    examples: |"]
        lines += [f"      - {text}" for text in by_intent[intent]]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    """Write the generated examples to `data/nlu/services.yml`, or to the path given."""
    target = Path(argv[0]) if argv else OUTPUT
    target.write_text(generate(load_catalog(), exclude=heldout_texts()), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
