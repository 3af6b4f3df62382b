"""Rasa input and output channels that glue `bot.whatsapp` into the Rasa server."""
