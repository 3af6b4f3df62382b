"""The matcher finds the service however it is named, and stays quiet when no service is named."""

import pytest

from bot.nlu.service_matcher import ServiceMatcher
from catalog import load_catalog


@pytest.mark.parametrize(
    "text",
    ["jati praman patra", "जाति प्रमाण पत्र", "cast certficate", "SC certificate", "mujhe jaati praman patr chahiye",
     "जाती प्रमाणपत्र बनवाना है", "caste ka certificate", "SC/ST certificate", "I need a caste cert", "CASTE CERTIFICATE!!"],
)  # fmt: skip
def test_the_issues_examples_and_their_variants_land_on_caste_certificate(matcher, text):
    assert matcher.find(text).service_id == "caste_certificate"


@pytest.mark.parametrize(
    ("text", "service_id"),
    [("obc certifcate", "obc_certificate"), ("OBC ka certificate chahiye", "obc_certificate"),
     ("aay praman patra", "income_certificate"), ("incom certificate", "income_certificate"),
     ("domicle certificate", "domicile_certificate"), ("niwas praman patra", "domicile_certificate"),
     ("shaadi ka registration", "marriage_registration"), ("विवाह पंजीकरण", "marriage_registration"),
     ("berth certificate", None), ("janam praman patra", "birth_certificate"), ("deth certificate", "death_certificate"),
     ("ghar ka tax", "property_tax"), ("संपत्ति कर", "property_tax"), ("learner's licence", "learner_licence"),
     ("DL renew karna hai", "driving_licence_renewal"), ("licence renew", "driving_licence_renewal"),
     ("mera dl kho gaya", "duplicate_driving_licence"), ("budhapa pension", "old_age_pension"),
     ("बुढ़ापा पेन्शन", "old_age_pension"), ("vidhwa pention", "widow_pension"), ("divyang pension", "disability_pension"),
     ("ladli yojna", "ladli_scheme"), ("rashan card", "ration_card"), ("पानी का कनेक्शन", "water_connection"),
     ("paani ka bill", "water_bill"), ("labour card", "construction_worker_registration"), ("shikayat", "grievance"),
     ("laal dora", "lal_dora_certificate"), ("haisiyat praman patra", "solvency_certificate"),
     ("EWS", "ews_certificate"), ("waris certificate", "surviving_member_certificate"), ("dukan ka licence", "trade_licence"),
     # Two letters typed in the wrong order are one slip; one wrong letter in a short word is another word.
     ("birht certficate for my son", "birth_certificate"), ("jait praman patra", "caste_certificate"),
     ("icnome certificate", "income_certificate"), ("bitrh certificate", "birth_certificate"),
     ("deaht certificate", "death_certificate"), ("birht", None), ("bitrh", None)],
)  # fmt: skip
def test_typos_transliterations_and_hindi(matcher, text, service_id):
    found = matcher.find(text)
    assert (found.service_id if found else None) == service_id


@pytest.mark.parametrize(
    "text",
    ["certificate chahiye", "pension chahiye", "I want to pay my electricity bill", "bijli ka bill", "income tax return",
     "my family income is 90000", "मेरी जाति वाल्मीकि है", "my caste is Jatav", "Ramesh Kumar", "110092", "hello",
     "driving licence", "card", "register", "waste certificate", "ration", "status", ""],
)  # fmt: skip
def test_generic_or_unrelated_words_name_no_service(matcher, text):
    assert matcher.find(text) is None


def test_the_match_says_where_the_service_was_named(matcher):
    text = "Sir mujhe jati praman patra chahiye"
    found = matcher.find(text)
    assert text[found.start : found.end] == "jati praman patra"
    assert found.score == 100


def test_the_more_specific_name_wins(matcher):
    assert matcher.find("OBC caste certificate").service_id == "obc_certificate"
    assert matcher.find("duplicate driving licence").service_id == "duplicate_driving_licence"
    assert matcher.find("driving licence renewal").service_id == "driving_licence_renewal"


def test_every_synonym_names_its_own_service_and_no_two_services_share_a_form(catalog, matcher):
    assert {form: ids for form, ids in matcher.canonical_forms().items() if len(ids) > 1} == {}
    for service in catalog.values():
        for phrase in service.all_synonyms():
            found = matcher.find(phrase)
            assert found is not None and found.service_id == service.id, (phrase, found)


def test_a_26th_service_is_matched_without_code_changes(catalog_with_extra_service):
    matcher = ServiceMatcher(load_catalog(catalog_with_extra_service))
    assert matcher.find("civil difence me volunteer banna hai").service_id == "civil_defence_volunteer"
    assert matcher.find("नागरिक सुरक्षा स्वयंसेवक").service_id == "civil_defence_volunteer"
