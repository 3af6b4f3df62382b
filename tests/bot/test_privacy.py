"""Pseudonymous sender ids and masked phone numbers."""

from bot.whatsapp.privacy import mask_phone, sender_id


def test_sender_id_is_a_stable_pseudonym_per_number():
    first = sender_id("salt", "100000000000001", "919812345678")
    assert first == sender_id("salt", "100000000000001", "919812345678")
    assert first.startswith("wa-") and len(first) == 23
    assert "9812345678" not in first
    assert first != sender_id("salt", "100000000000002", "919812345678")
    assert first != sender_id("pepper", "100000000000001", "919812345678")


def test_mask_phone_keeps_only_the_last_four_digits():
    assert mask_phone("919812345678") == "…5678"
    assert mask_phone("") == "…"
