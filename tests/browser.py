"""Debian's chromium for the tests that drive a page through Playwright, and where their screenshots stay."""

from tests.servers import ROOT

CHROMIUM = "/usr/bin/chromium"
# Headless as root in a container: no sandbox, no GPU, and nothing fetched in the background.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
# Where the screenshots stay for people to look at (git-ignored var/).
SCREENSHOTS = ROOT / "var" / "screenshots"
