"""Helpers for tests that start real servers: free ports, starting and stopping them, waiting for them."""

import os
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
# The stand-ins run in the back-office's venv whichever venv the tests run in; each reads its port from its own variable.
STANDIN_PYTHON = ROOT / ".venv" / "bin" / "python"
STANDIN_PORTS = {
    "standins.whatsapp": "STANDIN_PORT",
    "standins.gateway": "GATEWAY_PORT",
    "standins.sms": "SMS_STANDIN_PORT",
    "standins.telephony": "TELEPHONY_STANDIN_PORT",
}


def free_port() -> int:
    """Return a TCP port on loopback that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    """Block until something accepts connections on `port`, or fail the test."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listening on port {port} after {timeout}s")


def start(cmd: list[str], env: dict[str, str], log: Path | None = None, cwd: Path = ROOT) -> subprocess.Popen:
    """Start a server process with its output in `log`, or discarded."""
    if log is None:
        return subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    log.parent.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def stop(procs: list[subprocess.Popen], timeout: float = 20.0) -> None:
    """Terminate servers, wait for them, and kill any that will not stop."""
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextmanager
def running(
    cmd: list[str], env: dict[str, str], port: int, log: Path | None = None, timeout: float = 30.0
) -> Iterator[subprocess.Popen]:
    """Run a server process for the block, from the moment it listens on `port`; stop it after."""
    proc = start(cmd, env, log)
    try:
        wait_for_port(port, timeout)
        yield proc
    finally:
        stop([proc])


@contextmanager
def standin_process(
    module: str,
    settings: dict[str, str],
    port: int | None = None,
    log: Path | None = None,
    timeout: float = 30.0,
) -> Iterator[str]:
    """Run a stand-in (`standins.whatsapp`, `standins.gateway` or `standins.sms`) as its own process; yields its URL.

    `settings` are its environment variables over this process's own; the port is free unless given.
    """
    port = port or free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), **settings, STANDIN_PORTS[module]: str(port)}
    with running([str(STANDIN_PYTHON), "-m", module], env, port, log, timeout):
        yield f"http://127.0.0.1:{port}"


@contextmanager
def mail_server(maildir: Path) -> Iterator[int]:
    """aiosmtpd, the real SMTP server of development, as its own process keeping every mail in `maildir`."""
    port = free_port()
    cmd = [str(STANDIN_PYTHON), "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Mailbox",
           str(maildir)]  # fmt: skip
    with running(cmd, dict(os.environ), port):
        yield port


@asynccontextmanager
async def serving(app: web.Application) -> AsyncIterator[str]:
    """Serve an aiohttp app on a free loopback port for the block; yields its base URL."""
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()
