"""The catalog loads all 25 services, refuses broken files by name and field, and grows by adding a file."""

import pytest
import yaml

from catalog import CatalogError, load_catalog
from catalog.loader import SYSTEM_PLACEHOLDERS, load_service_file
from catalog.model import Service
from tests.conftest import SERVICES_DIR

SERVICE_IDS = {
    "caste_certificate", "obc_certificate", "income_certificate", "domicile_certificate", "ews_certificate",
    "surviving_member_certificate", "solvency_certificate", "lal_dora_certificate", "marriage_registration",
    "birth_certificate", "death_certificate", "property_tax", "trade_licence",
    "learner_licence", "driving_licence_renewal", "duplicate_driving_licence",
    "old_age_pension", "widow_pension", "disability_pension", "ladli_scheme",
    "ration_card", "water_connection", "water_bill", "construction_worker_registration", "grievance",
}  # fmt: skip


def test_the_catalog_holds_exactly_the_25_services():
    assert set(load_catalog(SERVICES_DIR)) == SERVICE_IDS


@pytest.mark.parametrize("path", sorted(SERVICES_DIR.glob("*.yml")), ids=lambda p: p.stem)
def test_every_service_file_passes_the_schema_and_is_complete(path):
    service = load_service_file(path)
    assert isinstance(service, Service)
    for field in service.fields:
        assert field.question.en and field.question.hi and field.help.en and field.help.hi
        if field.type == "choice":
            assert all(o.label.en and o.label.hi for o in field.options)
    assert service.synonyms["en"] and service.synonyms["hi"] and service.synonyms["hinglish"]
    assert service.deadline.days is not None or service.deadline.reason is not None
    field_ids = {f.id for f in service.fields}
    placeholders = {
        p for line in service.issues.template.body_en + service.issues.template.body_hi
        for p in __import__("re").findall(r"{(\w+)}", line)
    }  # fmt: skip
    assert placeholders <= field_ids | SYSTEM_PLACEHOLDERS


def test_load_catalog_is_cached_and_reads_no_file_twice(catalog_copy):
    first = load_catalog(catalog_copy)
    (catalog_copy / "grievance.yml").write_text("broken: [", encoding="utf-8")
    assert load_catalog(catalog_copy) is first


def test_facts_come_through_typed():
    catalog = load_catalog(SERVICES_DIR)
    marriage = catalog["marriage_registration"]
    assert marriage.fee.amount_for({"marriage_act": "hma"}) == 100
    assert marriage.fee.amount_for({"marriage_act": "sma"}) == 150
    assert marriage.deadline.days is None and "30" in marriage.deadline.reason.en
    assert catalog["old_age_pension"].eligibility.min_age == 60
    assert catalog["old_age_pension"].eligibility.income_ceiling == 100000
    assert catalog["caste_certificate"].deadline.days == 14
    assert catalog["property_tax"].fee.amount_for({}) is None
    assert catalog["learner_licence"].fee.amount_for({}) == 200
    assert catalog["water_bill"].issues.kind == "receipt"
    assert {d.ocr_kind for d in catalog["solvency_certificate"].documents} >= {"pan", "aadhaar"}
    assert any(u.fact == "fee" for u in catalog["caste_certificate"].uncertain)
    assert catalog["income_certificate"].name.get("hi") == "आय प्रमाण पत्र"
    assert [s.id for s in catalog.by_department("transport")] == [
        "driving_licence_renewal",
        "duplicate_driving_licence",
        "learner_licence",
    ]


def _edit(directory, service_id, change):
    path = directory / f"{service_id}.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


@pytest.mark.parametrize(
    ("service_id", "change", "field", "words"),
    [
        ("income_certificate", lambda d: d["fields"][2].update(type="dat"), "fields[2].type", "'dat'"),
        ("caste_certificate", lambda d: d.pop("fee"), "fee", "is required but missing"),
        (
            "ration_card",
            lambda d: d["documents"][0].update(ocr_kind="maybe"),
            "documents[0].ocr_kind",
            "'maybe'",
        ),
        ("grievance", lambda d: d["name"].pop("hi"), "name.hi", "is required but missing"),
        ("water_bill", lambda d: d.update(id="water_bills"), "id", "must match the file name"),
        (
            "widow_pension",
            lambda d: d["deadline"].pop("reason"),
            "deadline.reason",
            "is required but missing",
        ),
        (
            "marriage_registration",
            lambda d: d["fee"]["amounts"].pop("sma"),
            "fee.amounts",
            "no amount for option(s) ['sma']",
        ),
        (
            "birth_certificate",
            lambda d: d["issues"]["template"]["body"]["hi"].append("{mother_nme}"),
            "issues.template.body.hi[3]",
            "'{mother_nme}' is not a field id",
        ),
        (
            "old_age_pension",
            lambda d: d["eligibility"].update(age_field="pincode"),
            "eligibility.age_field",
            "not a date",
        ),
        (
            "obc_certificate",
            lambda d: d["synonyms"]["en"].append("jati praman patra"),
            "synonyms",
            "also names",
        ),
    ],
)
def test_a_broken_file_is_refused_naming_the_file_and_the_field(
    catalog_copy, service_id, change, field, words
):
    _edit(catalog_copy, service_id, change)
    with pytest.raises(CatalogError) as raised:
        load_catalog(catalog_copy)
    message = str(raised.value)
    assert raised.value.field == field
    assert f"{service_id}.yml: {field}: " in message or "caste_certificate.yml: synonyms: " in message
    assert words in message


def test_invalid_yaml_is_refused_with_the_file_name(catalog_copy):
    (catalog_copy / "ladli_scheme.yml").write_text("id: [unclosed", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"ladli_scheme\.yml: \(top level\): not valid YAML"):
        load_catalog(catalog_copy)


def test_a_26th_service_is_one_new_file(catalog_with_extra_service):
    catalog = load_catalog(catalog_with_extra_service)
    assert len(catalog) == 26
    service = catalog["civil_defence_volunteer"]
    assert service.eligibility.max_age == 50
    assert "civil defence" in service.all_synonyms()
