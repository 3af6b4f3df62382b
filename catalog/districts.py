"""Delhi's districts and the PIN code → district table (`delhi_districts.yml`), for reports by district."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from catalog.model import Text

TABLE = Path(__file__).with_name("delhi_districts.yml")
UNKNOWN = "unknown"
UNKNOWN_NAME = Text(en="Unknown district", hi="अज्ञात ज़िला")


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, Text], dict[str, str]]:
    raw = yaml.safe_load(TABLE.read_text(encoding="utf-8"))["districts"]
    names = {code: Text(en=d["name"]["en"], hi=d["name"]["hi"]) for code, d in raw.items()}
    by_pincode: dict[str, str] = {}
    for code, district in raw.items():
        for pincode in district["pincodes"]:
            if str(pincode) in by_pincode:
                raise ValueError(f"{TABLE.name}: PIN code {pincode} is in two districts")
            by_pincode[str(pincode)] = code
    return names, by_pincode


def districts() -> dict[str, Text]:
    """Every district code with its English and Hindi name, in the table's order."""
    return _table()[0]


def district_of(pincode: object) -> str:
    """The district code of a Delhi PIN code (any spacing), or `unknown` when the table does not have it."""
    digits = "".join(ch for ch in str(pincode or "") if ch.isdigit())
    return _table()[1].get(digits, UNKNOWN)


def district_name(code: str) -> Text:
    """The bilingual name of a district code; unknown codes read as "Unknown district"."""
    return districts().get(code, UNKNOWN_NAME)
