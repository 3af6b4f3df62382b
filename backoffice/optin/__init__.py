"""Opt-in channels beyond the chat: missed call, SMS and email, each ending in an entry of the consent ledger."""
