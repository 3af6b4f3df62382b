"""`python -m standins.whatsapp` starts the stand-in configured from the environment."""

import aiohttp
import pytest

from tests.servers import standin_process

from .conftest import CITIZEN, GENERAL, text_message


@pytest.fixture
def standin_url(receiver, tmp_path):
    """The stand-in as its own process, posting webhooks to `receiver`."""
    settings = {
        "WHATSAPP_ACCESS_TOKEN": "process-token",
        "WHATSAPP_APP_SECRET": "test-app-secret",
        "WHATSAPP_WEBHOOK_URL": receiver.url,
        "WHATSAPP_NUMBERS": f"{GENERAL}:general",
        "STANDIN_STATUS_DELAY_MS": "0",
    }
    with standin_process("standins.whatsapp", settings, log=tmp_path / "standin.log", timeout=20) as url:
        yield url


async def test_module_serves_graph_api_and_phone_page(standin_url, receiver):
    async with aiohttp.ClientSession() as http:
        async with http.get(standin_url + "/") as response:
            assert response.status == 200
            assert "<html" in await response.text()
        inbound = {"from": CITIZEN, "phone_number_id": GENERAL, "type": "text", "text": "Hi"}
        async with http.post(standin_url + "/_standin/inbound", json=inbound) as response:
            assert (await response.json())["webhook_status"] == 200
        assert receiver.deliveries[-1].signature_valid
        url = f"{standin_url}/v23.0/{GENERAL}/messages"
        async with http.post(
            url, json=text_message(), headers={"Authorization": "Bearer dev-whatsapp-token"}
        ) as r:
            assert r.status == 401, "only WHATSAPP_ACCESS_TOKEN is accepted"
        async with http.post(
            url, json=text_message(), headers={"Authorization": "Bearer process-token"}
        ) as r:
            assert r.status == 200
        await receiver.wait_for(lambda rec: len(rec.statuses()) == 3)
