"""The approved message templates the stand-in knows, loaded from a JSON file, and Meta's checks on them."""

import json
import re
from pathlib import Path

from .errors import GraphError, missing_param

_PLACEHOLDER = re.compile(r"\{\{(\d+)\}\}")


class TemplateRegistry:
    """Approved templates by name and language, as Meta's template manager would hold them."""

    def __init__(self, templates: list[dict]):
        self._templates = {t["name"]: t for t in templates}

    @classmethod
    def load(cls, path: Path) -> "TemplateRegistry":
        """Read `{"templates":[{"name","category","status","languages":{code:{"body","buttons"}}}]}`."""
        with open(path, encoding="utf-8") as f:
            return cls(json.load(f)["templates"])

    def category(self, name: str) -> str:
        """The template's category (utility, marketing, authentication)."""
        return self._templates[name].get("category", "utility")

    def check(self, template: dict) -> None:
        """Refuse a template send the way Meta does: unknown, paused, or with wrong parameters."""
        name = template.get("name")
        if not isinstance(name, str) or not name:
            raise missing_param("template['name']")
        language = template.get("language")
        code = language.get("code") if isinstance(language, dict) else None
        if not code:
            raise missing_param("template['language']['code']")
        known = self._templates.get(name)
        if known is None or code not in known["languages"]:
            raise GraphError(132001, f"template name ({name}) does not exist in {code}", http_status=404)
        status = known.get("status", "APPROVED")
        if status == "PAUSED":
            raise GraphError(
                132015,
                f"Template {name} is paused because of low quality",
                http_status=400,
                message="(#132015) Template is Paused",
            )
        if status == "DISABLED":
            raise GraphError(
                132016,
                f"Template {name} has been disabled",
                http_status=400,
                message="(#132016) Template is Disabled",
            )
        self._check_parameters(name, known["languages"][code], template.get("components") or [])

    def render(self, template: dict) -> str:
        """The text a citizen would see for an accepted template send (for the phone page)."""
        translation = self._templates[template["name"]]["languages"][template["language"]["code"]]
        values = _body_values(template.get("components") or [])
        return _PLACEHOLDER.sub(lambda m: values[int(m.group(1)) - 1], translation["body"])

    def buttons(self, template: dict) -> list[str]:
        """The quick-reply button titles of an accepted template send."""
        return self._templates[template["name"]]["languages"][template["language"]["code"]].get("buttons", [])

    @staticmethod
    def _check_parameters(name: str, translation: dict, components: list) -> None:
        expected = len(set(_PLACEHOLDER.findall(translation["body"])))
        given = len(_body_values(components))
        if given != expected:
            raise GraphError(
                132000,
                f"body: number of localizable_params ({given}) does not match the expected number of params "
                f"({expected})",
            )
        buttons = translation.get("buttons", [])
        for component in components:
            if component.get("type") != "button":
                continue
            index = component.get("index")
            if not str(index).isdigit() or int(index) >= len(buttons):
                raise GraphError(131009, f"Template {name} has no button at index {index}")


def _body_values(components: list) -> list[str]:
    for component in components:
        if isinstance(component, dict) and component.get("type") == "body":
            return [str(p.get("text", "")) for p in component.get("parameters", []) if isinstance(p, dict)]
    return []
