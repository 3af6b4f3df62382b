"""Reminders on Celery beat: one per event per citizen, utility templates only, quiet hours and a frequency cap."""
