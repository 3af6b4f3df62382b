"""The WhatsApp Cloud API channel's pure parts: nothing here imports Rasa."""
