"""The Rasa component puts the catalog id into the `service` entity, which the domain maps to the `service` slot."""

from unittest.mock import MagicMock

import yaml
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.service_resolver import ServiceResolver
from tests.conftest import SERVICES_DIR
from tests.servers import ROOT


def resolve(text: str, catalog_dir=SERVICES_DIR) -> list[dict]:
    resolver = ServiceResolver.create(
        {"catalog_dir": str(catalog_dir)}, MagicMock(), MagicMock(), MagicMock()
    )
    message = Message(data={TEXT: text})
    resolver.process([message])
    return message.get(ENTITIES, [])


def test_a_named_service_becomes_a_service_entity_with_the_catalog_id():
    [entity] = resolve("jati praman patra ke liye kya documents chahiye")
    assert entity["entity"] == "service"
    assert entity["value"] == "caste_certificate"
    assert (entity["start"], entity["end"]) == (0, 17)
    assert entity["extractor"] == "ServiceResolver"


def test_other_entities_are_kept_and_no_entity_is_added_without_a_service():
    resolver = ServiceResolver.create(
        {"catalog_dir": str(SERVICES_DIR)}, MagicMock(), MagicMock(), MagicMock()
    )
    language = {"entity": "language", "value": "hi", "start": 0, "end": 5}
    named = Message(data={TEXT: "विधवा पेंशन चाहिए", ENTITIES: [language]})
    unnamed = Message(data={TEXT: "नमस्ते", ENTITIES: [language]})
    resolver.process([named, unnamed])
    assert [e["value"] for e in named.get(ENTITIES)] == ["hi", "widow_pension"]
    assert unnamed.get(ENTITIES) == [language]


def test_the_resolver_reads_a_26th_service_from_its_file(catalog_with_extra_service):
    [entity] = resolve("civil defence volunteer banna hai", catalog_with_extra_service)
    assert entity["value"] == "civil_defence_volunteer"


def test_the_pipeline_runs_the_resolver_and_the_domain_fills_the_service_slot_from_it():
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    assert "bot.nlu.service_resolver.ServiceResolver" in [c["name"] for c in config["pipeline"]]
    slot = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["slots"]["service"]
    assert slot["mappings"] == [{"type": "from_entity", "entity": "service"}]
