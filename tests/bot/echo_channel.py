"""The WhatsApp channel in a process of its own with an echo bot, for tests that kill it and start another.

    python -m tests.bot.echo_channel PORT    (settings from WHATSAPP_* and REDIS_URL, as Rasa's channel reads them)

The bot answers "echo <text>" after ECHO_SECONDS, so a test can kill the process while turns are in flight.
"""

import asyncio
import os
import sys

from sanic import Sanic

from bot.channels.whatsapp import WhatsAppInput
from bot.whatsapp.config import ChannelConfig


async def echo(message) -> None:
    """Answer like a slow bot would."""
    await asyncio.sleep(float(os.environ.get("ECHO_SECONDS", "0.1")))
    await message.output_channel.send_text_message(message.sender_id, f"echo {message.text}")


def main() -> None:
    """Serve the channel on the port given, as `rasa run` would."""
    channel = WhatsAppInput(ChannelConfig.from_env())
    app = Sanic("echo_channel")
    app.blueprint(channel.blueprint(echo), url_prefix="/webhooks/whatsapp")
    app.run(host="127.0.0.1", port=int(sys.argv[1]), workers=1, access_log=False, motd=False)


if __name__ == "__main__":
    main()
