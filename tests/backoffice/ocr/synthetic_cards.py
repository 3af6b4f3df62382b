"""Draws fictional Aadhaar-like and PAN-like cards and photographs them badly, from a fixed seed.

Every identity is made up: names are combined from common given names and surnames, numbers are
random but Verhoeff-valid. Used by the OCR tests and by `bench/ocr_*`.
"""

import io
from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from catalog.validation import verhoeff_check_digit

FONT_DIR = "/usr/share/fonts/truetype/noto/"
LATIN = FONT_DIR + "NotoSans-Regular.ttf"
LATIN_BOLD = FONT_DIR + "NotoSans-Bold.ttf"
DEVANAGARI = FONT_DIR + "NotoSansDevanagari-Regular.ttf"
DEVANAGARI_BOLD = FONT_DIR + "NotoSansDevanagari-Bold.ttf"

GIVEN = [
    ("Sunita", "सुनीता", "FEMALE"), ("Rajesh", "राजेश", "MALE"), ("Anil", "अनिल", "MALE"),
    ("Priya", "प्रिया", "FEMALE"), ("Meena", "मीना", "FEMALE"), ("Suresh", "सुरेश", "MALE"),
    ("Kavita", "कविता", "FEMALE"), ("Amit", "अमित", "MALE"), ("Pooja", "पूजा", "FEMALE"),
    ("Ramesh", "रमेश", "MALE"), ("Neha", "नेहा", "FEMALE"), ("Vikas", "विकास", "MALE"),
    ("Anita", "अनीता", "FEMALE"), ("Deepak", "दीपक", "MALE"), ("Rekha", "रेखा", "FEMALE"),
    ("Manoj", "मनोज", "MALE"), ("Geeta", "गीता", "FEMALE"), ("Sanjay", "संजय", "MALE"),
    ("Asha", "आशा", "FEMALE"), ("Rahul", "राहुल", "MALE"),
]  # fmt: skip
SURNAMES = [
    ("Devi", "देवी"), ("Kumar", "कुमार"), ("Sharma", "शर्मा"), ("Verma", "वर्मा"), ("Gupta", "गुप्ता"),
    ("Singh", "सिंह"), ("Yadav", "यादव"), ("Chauhan", "चौहान"), ("Mishra", "मिश्रा"), ("Joshi", "जोशी"),
    ("Saini", "सैनी"), ("Rawat", "रावत"),
]  # fmt: skip
CARD_W, CARD_H = 1012, 638


@dataclass
class Identity:
    """A fictional person and the numbers printed on their cards."""

    name_en: str
    name_hi: str
    gender: str
    dob: str  # YYYY-MM-DD
    aadhaar_number: str
    pan_number: str
    father_en: str


@dataclass
class Sample:
    """One photographed card with the fields a perfect reader would extract from it."""

    kind: str
    jpeg: bytes
    truth: dict = field(default_factory=dict)


def make_identity(rng: np.random.Generator) -> Identity:
    """A random fictional identity with a Verhoeff-valid Aadhaar number and a well-formed PAN."""
    given_en, given_hi, gender = GIVEN[rng.integers(len(GIVEN))]
    sur_en, sur_hi = SURNAMES[rng.integers(len(SURNAMES))]
    father_en = GIVEN[rng.integers(len(GIVEN))][0] + " " + sur_en
    year, month, day = int(rng.integers(1950, 2006)), int(rng.integers(1, 13)), int(rng.integers(1, 29))
    payload = str(rng.integers(2, 10)) + "".join(str(d) for d in rng.integers(0, 10, 10))
    letters = "".join(chr(65 + int(i)) for i in rng.integers(0, 26, 3))
    pan = f"{letters}P{sur_en[0]}{int(rng.integers(0, 10000)):04d}{chr(65 + int(rng.integers(0, 26)))}"
    return Identity(
        name_en=f"{given_en} {sur_en}",
        name_hi=f"{given_hi} {sur_hi}",
        gender=gender,
        dob=f"{year:04d}-{month:02d}-{day:02d}",
        aadhaar_number=payload + verhoeff_check_digit(payload),
        pan_number=pan,
        father_en=father_en,
    )


def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.RAQM)


def _card_background(rng: np.random.Generator, tint: tuple[int, int, int]) -> Image.Image:
    """A pale card with a soft gradient and faint guilloche-like waves, like printed security paper."""
    y, x = np.mgrid[0:CARD_H, 0:CARD_W].astype(np.float32)
    base = np.ones((CARD_H, CARD_W, 3), np.float32) * 255
    for c in range(3):
        base[..., c] -= (255 - tint[c]) * (0.4 + 0.6 * x / CARD_W)
    phase = rng.uniform(0, 6.28)
    waves = (np.sin(x / 23.0 + np.sin(y / 41.0 + phase) * 3) > 0.97).astype(np.float32) * 18
    base -= waves[..., None]
    return Image.fromarray(np.clip(base, 0, 255).astype(np.uint8))


def _bilingual(d: ImageDraw.ImageDraw, xy: tuple[int, int], hindi: str, latin: str, size: int, fill) -> None:
    """Draw "hindi<latin>" with the right font for each script (the Devanagari font has no Latin)."""
    dev = _font(DEVANAGARI, size)
    d.text(xy, hindi, font=dev, fill=fill)
    d.text((xy[0] + d.textlength(hindi, font=dev), xy[1]), latin, font=_font(LATIN, size), fill=fill)


def draw_aadhaar(person: Identity, rng: np.random.Generator) -> Image.Image:
    """An Aadhaar-like front side: names in both scripts, DOB, gender and the 12-digit number."""
    card = _card_background(rng, (255, 244, 226))
    d = ImageDraw.Draw(card)
    d.rectangle([0, 0, CARD_W, 92], fill=(255, 153, 51))
    d.rectangle([0, CARD_H - 60, CARD_W, CARD_H], fill=(19, 136, 8))
    d.text((300, 8), "भारत सरकार", font=_font(DEVANAGARI_BOLD, 32), fill=(0, 0, 0))
    d.text((300, 48), "GOVERNMENT OF INDIA", font=_font(LATIN_BOLD, 28), fill=(0, 0, 0))
    d.rectangle([40, 130, 250, 400], fill=(200, 200, 205), outline=(90, 90, 90), width=2)
    d.ellipse([100, 170, 190, 260], fill=(150, 150, 155))
    d.ellipse([75, 270, 215, 420], fill=(150, 150, 155))
    d.rectangle([40, 400, 250, 430], fill=card.getpixel((20, 415)))
    d.text((290, 130), person.name_hi, font=_font(DEVANAGARI, 36), fill=(0, 0, 0))
    d.text((290, 185), person.name_en, font=_font(LATIN, 36), fill=(0, 0, 0))
    y, m, day = person.dob.split("-")
    _bilingual(d, (290, 245), "जन्म तिथि", f"/DOB: {day}/{m}/{y}", 30, (0, 0, 0))
    hindi_gender = "महिला" if person.gender == "FEMALE" else "पुरुष"
    _bilingual(d, (290, 300), hindi_gender, f" / {person.gender}", 30, (0, 0, 0))
    n = person.aadhaar_number
    d.text((300, 470), f"{n[:4]} {n[4:8]} {n[8:]}", font=_font(LATIN_BOLD, 56), fill=(0, 0, 0))
    d.text((330, CARD_H - 55), "मेरा आधार, मेरी पहचान", font=_font(DEVANAGARI_BOLD, 30), fill=(255, 255, 255))
    return card


def draw_pan(person: Identity, rng: np.random.Generator) -> Image.Image:
    """A PAN-like card: department header, the PAN, name, father's name and date of birth."""
    card = _card_background(rng, (214, 232, 250))
    d = ImageDraw.Draw(card)
    small_en, label = _font(LATIN, 22), (40, 40, 80)
    d.text((40, 18), "आयकर विभाग", font=_font(DEVANAGARI_BOLD, 30), fill=(10, 10, 60))
    d.text((40, 62), "INCOME TAX DEPARTMENT", font=_font(LATIN_BOLD, 28), fill=(10, 10, 60))
    d.text((640, 18), "भारत सरकार", font=_font(DEVANAGARI_BOLD, 30), fill=(10, 10, 60))
    d.text((640, 62), "GOVT. OF INDIA", font=_font(LATIN_BOLD, 28), fill=(10, 10, 60))
    d.text((300, 120), "Permanent Account Number Card", font=small_en, fill=(10, 10, 60))
    d.text((300, 150), person.pan_number, font=_font(LATIN_BOLD, 48), fill=(0, 0, 0))
    d.rectangle([40, 120, 250, 380], fill=(200, 200, 205), outline=(90, 90, 90), width=2)
    _bilingual(d, (300, 230), "नाम", " / Name", 22, label)
    d.text((300, 262), person.name_en.upper(), font=_font(LATIN, 34), fill=(0, 0, 0))
    _bilingual(d, (300, 322), "पिता का नाम", " / Father's Name", 22, label)
    d.text((300, 354), person.father_en.upper(), font=_font(LATIN, 34), fill=(0, 0, 0))
    _bilingual(d, (300, 414), "जन्म की तारीख", " / Date of Birth", 22, label)
    y, m, day = person.dob.split("-")
    d.text((300, 446), f"{day}/{m}/{y}", font=_font(LATIN, 34), fill=(0, 0, 0))
    _bilingual(d, (40, 560), "हस्ताक्षर", " / Signature", 22, label)
    return card


def photograph(
    card: Image.Image,
    rng: np.random.Generator,
    *,
    blur_sigma: float | None = None,
    light: float | None = None,
    photo_width: int = 1280,
    card_fraction: float | None = None,
) -> bytes:
    """Photograph `card` badly: on a table, tilted, in perspective, dim, blurred, noisy, JPEG-compressed."""
    w, h = 1600, 1200
    table = rng.integers(60, 170, 3).astype(np.float32)
    noise = cv2.resize(rng.normal(0, 18, (12, 16)).astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC)
    canvas = np.clip(table[None, None, :] + noise[..., None], 0, 255).astype(np.float32)
    src = np.float32([[0, 0], [CARD_W, 0], [CARD_W, CARD_H], [0, CARD_H]])
    frac = card_fraction if card_fraction is not None else rng.uniform(0.6, 0.82)
    scale = frac * w / CARD_W
    angle = np.deg2rad(rng.uniform(-15, 15))
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    centred = (src - [CARD_W / 2, CARD_H / 2]) * scale
    jitter = rng.uniform(-0.07, 0.07, (4, 2)) * [CARD_W * scale, CARD_H * scale]
    dst = (centred + jitter) @ rot.T + [w / 2 + rng.uniform(-60, 60), h / 2 + rng.uniform(-50, 50)]
    matrix = cv2.getPerspectiveTransform(src, dst.astype(np.float32))
    rgb = np.asarray(card.convert("RGB"), np.float32)
    warped = cv2.warpPerspective(rgb, matrix, (w, h), flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.ones((CARD_H, CARD_W), np.float32), matrix, (w, h))[..., None]
    photo = warped * mask + canvas * (1 - mask)
    # Light falls off across the table, and the whole scene may be dim.
    gx = np.linspace(0, 1, w, dtype=np.float32)[None, :]
    gy = np.linspace(0, 1, h, dtype=np.float32)[:, None]
    a, b = rng.uniform(-0.35, 0.35, 2)
    level = light if light is not None else rng.uniform(0.5, 1.0)
    photo *= np.clip(level * (1 + a * (gx - 0.5) + b * (gy - 0.5)), 0.05, 1.2)[..., None]
    sigma = blur_sigma if blur_sigma is not None else rng.uniform(0.0, 1.6)
    if sigma > 0:
        photo = cv2.GaussianBlur(photo, (0, 0), sigma)
    photo += rng.normal(0, rng.uniform(3, 10), photo.shape).astype(np.float32)
    photo = np.clip(photo, 0, 255).astype(np.uint8)
    photo = cv2.resize(photo, (photo_width, photo_width * h // w), interpolation=cv2.INTER_AREA)
    buf = io.BytesIO()
    Image.fromarray(photo).save(buf, "JPEG", quality=int(rng.integers(40, 80)))
    return buf.getvalue()


def aadhaar_truth(p: Identity) -> dict:
    """The fields an Aadhaar reader must return for `p`."""
    return {"aadhaar_number": p.aadhaar_number, "name": p.name_en, "name_hi": p.name_hi, "dob": p.dob,
            "gender": p.gender}  # fmt: skip


def pan_truth(p: Identity) -> dict:
    """The fields a PAN reader must return for `p`."""
    return {"pan_number": p.pan_number, "name": p.name_en.upper(), "dob": p.dob}


def sample_set(n: int, seed: int = 5) -> list[Sample]:
    """`n` badly photographed cards, alternating Aadhaar-like and PAN-like, reproducible from `seed`."""
    rng = np.random.default_rng(seed)
    samples = []
    for i in range(n):
        person = make_identity(rng)
        if i % 2 == 0:
            samples.append(
                Sample("aadhaar", photograph(draw_aadhaar(person, rng), rng), aadhaar_truth(person))
            )
        else:
            samples.append(Sample("pan", photograph(draw_pan(person, rng), rng), pan_truth(person)))
    return samples
