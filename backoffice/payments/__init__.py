"""Fees and payments: what is owed (fees, property tax, water bills), how it is paid, and how payment is confirmed."""
