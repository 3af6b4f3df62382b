"""Rasa-side code: channel connectors and NLU components."""
