"""The business phone numbers a deployment answers on (Meta's `phone_number_id`s) and the department of each.

One setting, `WHATSAPP_NUMBERS` = `phone_number_id:department,...`, read alike by the channel, the back-office
and the Cloud API stand-in.
"""


def parse_numbers(spec: str) -> dict[str, str]:
    """Turn `phone_number_id:department,...` into {phone_number_id: department}; ValueError says what is wrong."""
    numbers = {}
    for pair in spec.split(","):
        pair = pair.strip()
        if not pair:
            continue
        number_id, sep, department = pair.partition(":")
        number_id, department = number_id.strip(), department.strip()
        if not sep or not number_id.isdigit() or not department:
            raise ValueError(
                f"WHATSAPP_NUMBERS: {pair!r} is not `phone_number_id:department` (e.g. 100000000000001:general)"
            )
        numbers[number_id] = department
    if not numbers:
        raise ValueError("WHATSAPP_NUMBERS names no phone number; the channel would ignore every message")
    return numbers
