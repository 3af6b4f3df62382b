"""`python -m standins.whatsapp` starts the stand-in configured from the environment."""

import os
import subprocess
import sys

import aiohttp
import pytest

from tests.conftest import ROOT, free_port, wait_for_port

from .conftest import CITIZEN, GENERAL, text_message


@pytest.fixture
def standin_process(receiver, tmp_path):
    """The stand-in as its own process, posting webhooks to `receiver`."""
    port = free_port()
    env = os.environ | {
        "STANDIN_PORT": str(port),
        "WHATSAPP_ACCESS_TOKEN": "process-token",
        "WHATSAPP_APP_SECRET": "test-app-secret",
        "WHATSAPP_WEBHOOK_URL": receiver.url,
        "WHATSAPP_NUMBERS": f"{GENERAL}:general",
        "STANDIN_STATUS_DELAY_MS": "0",
    }
    log = (tmp_path / "standin.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "standins.whatsapp"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        wait_for_port(port, timeout=20)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


async def test_module_serves_graph_api_and_phone_page(standin_process, receiver):
    async with aiohttp.ClientSession() as http:
        async with http.get(standin_process + "/") as response:
            assert response.status == 200
            assert "<html" in await response.text()
        inbound = {"from": CITIZEN, "phone_number_id": GENERAL, "type": "text", "text": "Hi"}
        async with http.post(standin_process + "/_standin/inbound", json=inbound) as response:
            assert (await response.json())["webhook_status"] == 200
        assert receiver.deliveries[-1].signature_valid
        url = f"{standin_process}/v23.0/{GENERAL}/messages"
        async with http.post(
            url, json=text_message(), headers={"Authorization": "Bearer dev-whatsapp-token"}
        ) as r:
            assert r.status == 401, "only WHATSAPP_ACCESS_TOKEN is accepted"
        async with http.post(
            url, json=text_message(), headers={"Authorization": "Bearer process-token"}
        ) as r:
            assert r.status == 200
        await receiver.wait_for(lambda rec: len(rec.statuses()) == 3)
