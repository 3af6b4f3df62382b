"""Reading a nomination from one message, and telling the citizen which law keeps which application."""

from actions.data_rights import kept_lines, nominee_from

KEPT = [
    {"number": "DL-REV-2026-000001", "until": "2029-12-06", "years": 3,
     "law": {"en": "the Public Records Act, 1993", "hi": "लोक अभिलेख अधिनियम, 1993"}},
    {"number": "DL-REV-2026-000002", "until": None, "years": 3,
     "law": {"en": "the Public Records Act, 1993", "hi": "लोक अभिलेख अधिनियम, 1993"}},
]  # fmt: skip


def test_a_nominee_is_read_from_name_relation_and_mobile_in_any_order():
    assert nominee_from("Asha Devi, daughter, 98111 22334") == {
        "name": "Asha Devi",
        "relation": "daughter",
        "mobile": "9811122334",
    }
    assert nominee_from("Ramesh, +91 9811122334, bhai")["relation"] == "bhai"
    assert nominee_from("Asha Devi, daughter") is None  # no mobile
    assert nominee_from("9811122334") is None  # no name


def test_kept_applications_name_their_law_and_date_in_the_citizens_language():
    english = kept_lines(KEPT, "en").splitlines()
    assert english == [
        "• DL-REV-2026-000001: until 06/12/2029 (the Public Records Act, 1993)",
        "• DL-REV-2026-000002: for 3 years after the decision (the Public Records Act, 1993)",
    ]
    assert "06/12/2029 तक (लोक अभिलेख अधिनियम, 1993)" in kept_lines(KEPT, "hi")
