"""The README's pictures of each flow: the citizen's chat as the stand-in's phone page shows it.

Taken only when `SEVA_SCREENSHOTS` names a directory (`SEVA_SCREENSHOTS=docs/screenshots pytest tests/e2e/...`),
so an ordinary run starts no extra browser. Each picture is the phone alone (several phones side by side for a
citizen on several department numbers), reduced to a 256-colour PNG to stay small in git.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from PIL import Image

from tests.browser import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.conftest import GENERAL_NUMBER
from tests.servers import ROOT

ENV = "SEVA_SCREENSHOTS"
MAX_BYTES = 150_000
GAP = 16  # pixels between two phones
MAX_PHONE_HEIGHT = 1800
# Drops the rows before the first one holding the text, and lets the phone grow to show the rest (up to a cap).
SHOW_SINCE = f"""(needle) => {{
  const chat = document.getElementById('chat');
  const rows = [...chat.children];
  const first = rows.findIndex((row) => row.textContent.includes(needle));
  if (first < 0) throw new Error('no message holds ' + needle);
  rows.slice(0, first).forEach((row) => row.remove());
  const phone = document.querySelector('.phone');
  phone.style.height = 'auto';
  chat.style.flex = 'none';
  chat.style.overflow = 'visible';
  // Too long a flow keeps its end, as the phone would.
  while (phone.offsetHeight > {MAX_PHONE_HEIGHT} && chat.children.length > 1) chat.firstElementChild.remove();
}}"""


def target_dir() -> Path | None:
    """Where screenshots go, or None when they are not wanted."""
    value = os.environ.get(ENV, "").strip()
    if not value:
        return None
    path = Path(value)
    return path if path.is_absolute() else ROOT / path


def phone_screenshot(
    stack, citizen: str, name: str, numbers: tuple[str, ...] = (GENERAL_NUMBER,), since: str | None = None
) -> Path | None:
    """Save `name` (a .png) showing `citizen`'s chat on each department number; the path, if taken.

    The phone shows the end of the chat, as the citizen sees it; with `since`, it is stretched to show the whole
    flow from the first message holding that text.
    """
    directory = target_dir()
    if directory is None:
        return None
    from playwright.sync_api import sync_playwright

    shots = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for number in numbers:
                shots.append(_phone(browser, stack, citizen, number, since))
        finally:
            browser.close()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_bytes(_small_png(_side_by_side(shots)))
    return path


def _phone(browser, stack, citizen: str, number: str, since: str | None) -> Image.Image:
    """The phone element once it shows every message of the conversation on `number`, scrolled to the end."""
    messages = stack.get(f"/_standin/conversations/{citizen}?after=0&wait=0")["messages"]
    expected = sum(m.get("phone_number_id") == number for m in messages)
    page = browser.new_page(viewport={"width": 800, "height": MAX_PHONE_HEIGHT + 100})
    page.goto(stack.standin_url + "/")
    page.wait_for_selector(f'#number option[value="{number}"]', state="attached")
    page.select_option("#number", number)
    page.fill("#mobile", citizen)
    page.dispatch_event("#mobile", "change")
    page.wait_for_function("n => document.querySelectorAll('#chat > li').length >= n", arg=expected)
    if since:
        page.evaluate(SHOW_SINCE, since)
    page.evaluate(
        "() => { const chat = document.getElementById('chat'); chat.scrollTop = chat.scrollHeight; }"
    )
    page.wait_for_timeout(300)  # fonts and images of the last bubbles settle
    return Image.open(io.BytesIO(page.locator(".phone").screenshot())).convert("RGB")


def _side_by_side(shots: list[Image.Image]) -> Image.Image:
    width = sum(s.width for s in shots) + GAP * (len(shots) - 1)
    canvas = Image.new("RGB", (width, max(s.height for s in shots)), "white")
    x = 0
    for shot in shots:
        canvas.paste(shot, (x, 0))
        x += shot.width + GAP
    return canvas


def _small_png(image: Image.Image) -> bytes:
    """A 256-colour PNG under MAX_BYTES, scaled down only if the colours alone do not get it there."""
    while True:
        out = io.BytesIO()
        image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(out, "PNG", optimize=True)
        if out.tell() <= MAX_BYTES:
            return out.getvalue()
        image = image.resize((image.width * 4 // 5, image.height * 4 // 5), Image.Resampling.LANCZOS)
