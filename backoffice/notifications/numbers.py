"""Which business number speaks for which department, from `WHATSAPP_NUMBERS` (`phone_number_id:department,...`)."""

from __future__ import annotations

from whatsapp_contract.numbers import parse_numbers


def department_numbers(setting: str) -> dict[str, str]:
    """Map department → phone_number_id; the first number listed for a department wins."""
    numbers: dict[str, str] = {}
    for phone_number_id, department in parse_numbers(setting).items():
        numbers.setdefault(department, phone_number_id)
    return numbers


def sender_number(setting: str, department: str, citizen_number: str | None) -> str | None:
    """For templates: the department's own number, else the one the citizen last wrote to, else the general one."""
    numbers = department_numbers(setting)
    return numbers.get(department) or citizen_number or numbers.get("general")


def display_number(display_setting: str, phone_number_id: str) -> str | None:
    """The number citizens dial for `phone_number_id`, from `WHATSAPP_DISPLAY_NUMBERS` ("id:number,...")."""
    pairs = (item.split(":", 1) for item in display_setting.split(",") if ":" in item)
    return {key.strip(): value.strip() for key, value in pairs}.get(phone_number_id)
