"""Every Delhi PIN code the bot accepts falls in at most one of the 11 districts; the table is read as written."""

from catalog.districts import UNKNOWN, district_name, district_of, districts
from catalog.validation import DELHI_PINCODES


def test_eleven_districts_with_names_in_both_languages():
    assert len(districts()) == 11
    assert district_name("shahdara").hi == "शाहदरा"
    assert district_name("nowhere").en == "Unknown district"


def test_pincodes_map_to_their_district_and_others_to_unknown():
    assert district_of("110054") == "north"
    assert district_of(" 110 001 ") == "new_delhi"
    assert district_of(110092) == "east"
    assert district_of("400001") == UNKNOWN and district_of(None) == UNKNOWN
    mapped = [p for p in DELHI_PINCODES if district_of(p) != UNKNOWN]
    assert len(mapped) >= 90  # the few gaps are numbers India Post does not use
