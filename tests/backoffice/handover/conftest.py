"""The handover tests' app: Redis for the bot's flag and the inbox events, the Cloud API stand-in for replies."""

import pytest
import redis

from tests.backoffice.conftest import NUMBERS


@pytest.fixture
def inbox_app(app, redis_url, standin):
    """The test app with a clean Redis and sending to the stand-in; office open round the clock."""
    url, token = standin
    app.config.update(REDIS_URL=redis_url, WHATSAPP_GRAPH_URL=url, WHATSAPP_ACCESS_TOKEN=token,
                      WHATSAPP_NUMBERS=NUMBERS, HANDOVER_OFFICE_HOURS="always")  # fmt: skip
    store = redis.Redis.from_url(redis_url)
    store.flushdb()
    yield app
    store.close()


@pytest.fixture
def store(redis_url):
    """A Redis client on the test database, to look at what the channel would read."""
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()
