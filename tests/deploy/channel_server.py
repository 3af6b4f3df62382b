"""The WhatsApp channel mounted as Rasa mounts it (`/webhooks/whatsapp/...`), without Rasa's model.

For tests/deploy/test_production_start.py: loading the model takes minutes on a busy machine, and what the
production check needs is the channel's own behaviour (signature, durable storage in a password-protected Redis,
handing the turn on). Each turn's text is appended to the file named by the first argument.
Run in .venv-rasa: `python -m tests.deploy.channel_server HEARD_FILE PORT`.
"""

import sys

from sanic import Sanic

from bot.channels.whatsapp import WhatsAppInput


def main() -> None:
    heard, port = sys.argv[1], int(sys.argv[2])

    async def on_new_message(message) -> None:
        with open(heard, "a", encoding="utf-8") as out:
            out.write(message.text + "\n")

    channel = WhatsAppInput.from_credentials(None)  # reads WHATSAPP_*, REDIS_URL, SEVA_ENV like Rasa does
    app = Sanic("production_channel")
    app.blueprint(channel.blueprint(on_new_message), url_prefix="/webhooks/whatsapp")
    app.run(host="127.0.0.1", port=port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
