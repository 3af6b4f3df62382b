"""Reads `data/services/*.yml`, refuses any file that breaks the schema, and builds the typed catalog."""

from __future__ import annotations

import json
import os
import re
import string
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from catalog.model import (
    Catalog,
    Deadline,
    Document,
    Eligibility,
    Fee,
    Field,
    Issuance,
    Option,
    Service,
    Template,
    Text,
    Uncertain,
)

SCHEMA_PATH = Path(__file__).with_name("service.schema.json")
# Placeholders a certificate may use besides the service's own field ids; the back-office fills them.
SYSTEM_PLACEHOLDERS = frozenset(
    {"application_number", "issue_date", "valid_until", "officer_name", "fee_paid"}
)


class CatalogError(ValueError):
    """A catalog file that cannot be used, with the file and the field at fault."""

    def __init__(self, file: Path | str, field: str, problem: str):
        self.file = str(file)
        self.field = field
        self.problem = problem
        super().__init__(f"{self.file}: {field or '(top level)'}: {problem}")


def default_catalog_dir() -> Path:
    """Return the catalog directory from `SEVA_CATALOG_DIR`, else `$SEVA_HOME/data/services`."""
    if os.environ.get("SEVA_CATALOG_DIR"):
        return Path(os.environ["SEVA_CATALOG_DIR"])
    home = Path(os.environ.get("SEVA_HOME") or Path(__file__).resolve().parent.parent)
    return home / "data" / "services"


def load_catalog(path: Path | str | None = None) -> Catalog:
    """Return the catalog in `path` (a directory of service files); loaded once per directory."""
    return _load_directory(str(Path(path or default_catalog_dir()).resolve()))


@lru_cache(maxsize=8)
def _load_directory(directory: str) -> Catalog:
    files = sorted(Path(directory).glob("*.yml"))
    if not files:
        raise CatalogError(directory, "", "no service files (*.yml) found")
    validator = _schema_validator()
    services = [load_service_file(f, validator) for f in files]
    _check_synonyms_unique(services)
    return Catalog(services)


@lru_cache(maxsize=1)
def _schema_validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def load_service_file(file: Path, validator: jsonschema.protocols.Validator | None = None) -> Service:
    """Parse, validate and build one service file, or raise `CatalogError` naming the file and field."""
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CatalogError(file, "", f"not valid YAML: {exc}") from exc
    errors = sorted((validator or _schema_validator()).iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        error = jsonschema.exceptions.best_match(errors)
        path = list(error.absolute_path)
        if error.validator == "required":
            # Name the missing key itself, not the object that lacks it.
            missing = next(key for key in error.validator_value if key not in error.instance)
            raise CatalogError(file, _dotted([*path, missing]), "is required but missing")
        raise CatalogError(file, _dotted(path), error.message)
    _check_consistency(file, data)
    return _build(data, file)


def _dotted(path: Any) -> str:
    parts = []
    for part in path:
        parts.append(f"[{part}]" if isinstance(part, int) else f".{part}")
    return "".join(parts).lstrip(".")


def _check_consistency(file: Path, data: dict[str, Any]) -> None:
    """Cross-field rules a JSON Schema cannot state."""
    if data["id"] != file.stem:
        raise CatalogError(file, "id", f"'{data['id']}' must match the file name '{file.stem}'")
    fields = {}
    for i, spec in enumerate(data["fields"]):
        if spec["id"] in fields:
            raise CatalogError(file, f"fields[{i}].id", f"duplicate field id '{spec['id']}'")
        fields[spec["id"]] = spec
        pattern = spec.get("validation", {}).get("pattern")
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise CatalogError(
                    file, f"fields[{i}].validation.pattern", f"not a regular expression: {exc}"
                ) from exc
    document_ids = [d["id"] for d in data["documents"]]
    for i, doc_id in enumerate(document_ids):
        if doc_id in document_ids[:i]:
            raise CatalogError(file, f"documents[{i}].id", f"duplicate document id '{doc_id}'")
    age_field = data["eligibility"].get("age_field")
    if age_field is not None and fields.get(age_field, {}).get("type") != "date":
        raise CatalogError(
            file, "eligibility.age_field", f"'{age_field}' is not a date field of this service"
        )
    fee = data["fee"]
    if fee["kind"] == "per_option":
        spec = fields.get(fee["field"])
        if spec is None or spec["type"] != "choice":
            raise CatalogError(file, "fee.field", f"'{fee['field']}' is not a choice field of this service")
        missing = {o["value"] for o in spec["options"]} - set(fee["amounts"])
        if missing:
            raise CatalogError(file, "fee.amounts", f"no amount for option(s) {sorted(missing)}")
    template = data["issues"]["template"]
    for language in ("en", "hi"):
        for i, line in enumerate(template["body"][language]):
            for name in _placeholders(line):
                if name not in fields and name not in SYSTEM_PLACEHOLDERS:
                    raise CatalogError(
                        file,
                        f"issues.template.body.{language}[{i}]",
                        f"placeholder '{{{name}}}' is not a field id",
                    )


def _placeholders(line: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(line) if name]


def _check_synonyms_unique(services: list[Service]) -> None:
    """One phrase naming two services would make the resolver guess."""
    owner: dict[str, str] = {}
    for service in services:
        for phrase in service.all_synonyms():
            key = " ".join(phrase.casefold().split())
            if owner.setdefault(key, service.id) != service.id:
                raise CatalogError(
                    service.source,
                    "synonyms",
                    f"'{phrase}' also names '{owner[key]}'; a phrase may name one service",
                )


def _build(data: dict[str, Any], file: Path) -> Service:
    eligibility = data["eligibility"]
    fee = data["fee"]
    template = data["issues"]["template"]
    return Service(
        id=data["id"],
        department=data["department"],
        department_name=Text.from_dict(data["department_name"]),
        name=Text.from_dict(data["name"]),
        description=Text.from_dict(data["description"]),
        eligibility=Eligibility(
            text=Text.from_dict(eligibility["text"]),
            min_age=eligibility.get("min_age"),
            max_age=eligibility.get("max_age"),
            age_field=eligibility.get("age_field"),
            residence_years=eligibility.get("residence_years"),
            income_ceiling=eligibility.get("income_ceiling"),
            gender=eligibility.get("gender"),
        ),
        fields=tuple(
            Field(
                id=f["id"],
                type=f["type"],
                question=Text.from_dict(f["question"]),
                help=Text.from_dict(f["help"]),
                required=f.get("required", True),
                validation=dict(f.get("validation", {})),
                options=tuple(Option(o["value"], Text.from_dict(o["label"])) for o in f.get("options", [])),
            )
            for f in data["fields"]
        ),
        documents=tuple(
            Document(d["id"], Text.from_dict(d["name"]), d["required"], d["ocr_kind"])
            for d in data["documents"]
        ),
        fee=Fee(
            kind=fee["kind"],
            amount=fee.get("amount"),
            field=fee.get("field"),
            amounts=dict(fee.get("amounts", {})),
            note=Text.from_dict(fee.get("note")),
        ),
        deadline=Deadline(
            days=data["deadline"]["days"], reason=Text.from_dict(data["deadline"].get("reason"))
        ),
        issues=Issuance(
            kind=data["issues"]["kind"],
            template=Template(
                title=Text.from_dict(template["title"]),
                body_en=tuple(template["body"]["en"]),
                body_hi=tuple(template["body"]["hi"]),
                validity_months=template["validity_months"],
            ),
        ),
        synonyms={group: tuple(phrases) for group, phrases in data["synonyms"].items()},
        uncertain=tuple(Uncertain(u["fact"], u["note"]) for u in data["uncertain"]),
        source=str(file),
    )


def service_from_data(data: dict[str, Any], source: str = "") -> Service:
    """Check and build one service from its data as the back-office API serves it (JSON of its YAML file)."""
    file = Path(source or f"{data.get('id', 'service')}.yml")
    errors = sorted(_schema_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        error = jsonschema.exceptions.best_match(errors)
        raise CatalogError(file, _dotted(list(error.absolute_path)), error.message)
    _check_consistency(file, data)
    return _build(data, file)
