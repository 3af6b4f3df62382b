"""Signing in and out, first-time password change, and idle-session expiry."""
