"""The bot's JSON API under `/api/v1`: its blueprint (`blueprint.py`), routes, payment callbacks and OpenAPI."""
