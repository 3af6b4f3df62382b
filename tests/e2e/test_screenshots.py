"""The README's phone pictures stay small enough for git, and are taken only when asked for."""

import io
import json
import urllib.request

import numpy as np
import pytest
from PIL import Image

from tests.e2e import screenshots
from tests.e2e.conftest import GENERAL_NUMBER
from tests.servers import free_port, standin_process


def test_a_busy_picture_is_reduced_under_the_cap_and_stays_a_png():
    noise = np.random.default_rng(3).integers(0, 256, (780, 820, 3), dtype=np.uint8)
    small = screenshots._small_png(Image.fromarray(noise))
    assert len(small) <= screenshots.MAX_BYTES
    image = Image.open(io.BytesIO(small))
    assert image.format == "PNG" and image.width >= 200


def test_no_directory_no_browser(monkeypatch):
    monkeypatch.delenv(screenshots.ENV, raising=False)
    assert screenshots.phone_screenshot(stack=None, citizen="919800000001", name="x.png") is None


class _StandinOnly:
    """Just enough of the stack for a screenshot: the WhatsApp stand-in and its control API."""

    def __init__(self, url: str):
        self.standin_url = url

    def get(self, path: str) -> dict:
        with urllib.request.urlopen(self.standin_url + path, timeout=10) as response:
            return json.loads(response.read())


@pytest.mark.slow
def test_a_flow_is_shown_from_its_first_message_and_a_plain_picture_is_the_phone(monkeypatch, tmp_path):
    env = {
        "WHATSAPP_NUMBERS": f"{GENERAL_NUMBER}:general",
        "WHATSAPP_WEBHOOK_URL": f"http://127.0.0.1:{free_port()}/",
    }
    with standin_process("standins.whatsapp", env) as url:
        for i in range(12):  # no bot behind the webhook: the messages simply stay in the chat
            body = {"from": "919800000555", "phone_number_id": GENERAL_NUMBER, "type": "text",
                    "text": f"message {i}: " + "a long sentence " * 6}  # fmt: skip
            request = urllib.request.Request(url + "/_standin/inbound", data=json.dumps(body).encode(),
                                             headers={"Content-Type": "application/json"})  # fmt: skip
            urllib.request.urlopen(request, timeout=10).close()
        monkeypatch.setenv(screenshots.ENV, str(tmp_path))
        stack = _StandinOnly(url)
        plain = Image.open(screenshots.phone_screenshot(stack, "919800000555", "plain.png"))
        flow = Image.open(screenshots.phone_screenshot(stack, "919800000555", "flow.png", since="message 2:"))
    assert plain.size == (390, 780)  # the phone as it is: the end of the chat
    assert flow.width == 390 and flow.height > 1000  # stretched to show messages 2 to 11
