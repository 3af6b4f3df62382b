"""Consent: the append-only ledger per purpose, suppression of messages without consent, and the privacy notice."""
