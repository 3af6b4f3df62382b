"""The whole Seva stack as production runs it, on free loopback ports, for benchmarks.

Redis, a throw-away PostgreSQL, the back-office on gunicorn, a Celery worker, the action server and K
`rasa run` processes sharing the Redis tracker and lock stores, and the WhatsApp Cloud API stand-in in
this process, so that every Graph API send is seen the moment it is accepted. Environment variables
are the ones tests/e2e/conftest.py sets; every process logs to a file of its own in the run's folder.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import secrets
import subprocess
import time
from collections.abc import Callable
from contextlib import AsyncExitStack
from pathlib import Path

from aiohttp import web

from standins.whatsapp.app import create_app
from standins.whatsapp.cloud_api import CloudApi
from standins.whatsapp.graph_routes import CLOUD_API
from standins.whatsapp.settings import Settings
from standins.whatsapp.webhooks import WebhookPoster
from tests.backoffice.pg_server import PostgresServer
from tests.servers import ROOT, free_port, start, stop, wait_for_port

GENERAL_NUMBER = "100000000000001"
MODEL = ROOT / "models" / "seva.tar.gz"
VENV = ROOT / ".venv" / "bin"
RASA_VENV = ROOT / ".venv-rasa" / "bin"
# Rasa loads the model and TensorFlow first: a minute or more on a busy 2-core machine.
START_TIMEOUT = 300
# A Celery worker says "ready." in its log once it consumes; it has no port to wait for.
WORKER_READY = "ready."


def _process_table() -> dict[int, tuple[int, float]]:
    """Every process's parent and CPU seconds (user + system, its reaped children included): {pid: (ppid, s)}."""
    ticks = os.sysconf("SC_CLK_TCK")
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        # After the command: state, ppid, ..., utime (12th), stime, cutime, cstime.
        table[int(entry.name)] = (int(fields[1]), sum(int(f) for f in fields[11:15]) / ticks)
    return table


def cpu_of(roots: dict[str, int]) -> dict[str, float]:
    """CPU seconds used so far by each named process together with all its descendants."""
    table = _process_table()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)

    def total(pid: int) -> float:
        return table.get(pid, (0, 0.0))[1] + sum(total(child) for child in children.get(pid, []))

    return {name: total(pid) for name, pid in roots.items()}


class RoundRobinPoster(WebhookPoster):
    """Posts each of the stand-in's status webhooks to the next Rasa instance, as a load balancer would."""

    def __init__(self, urls: list[str], secret: str):
        super().__init__(urls[0], secret)
        self._urls = itertools.cycle(urls)

    async def post(self, payload: dict) -> tuple[int, float, str | None]:
        """Send one webhook to the next instance."""
        # The parent reads `self.url` before its first await, so no other post can change it in between.
        self.url = next(self._urls)
        return await super().post(payload)


class Stack:
    """Starts every process on entry and stops them on exit; `webhook_url()` spreads posts round-robin."""

    def __init__(
        self, logs: Path, rasa_instances: int = 1, on_outbound: Callable[[dict], None] | None = None
    ):
        self.logs = logs
        self.rasa_instances = rasa_instances
        self.on_outbound = on_outbound
        names = ["redis", "actions", "standin", "backoffice"] + [f"rasa{i}" for i in range(rasa_instances)]
        self.ports = {name: free_port() for name in names}
        self.rasa_urls = [f"http://127.0.0.1:{self.ports[f'rasa{i}']}" for i in range(rasa_instances)]
        self.webhook_urls = [url + "/webhooks/whatsapp/webhook" for url in self.rasa_urls]
        self._next_webhook = itertools.cycle(self.webhook_urls)
        self.env: dict[str, str] = {}
        self.api: CloudApi | None = None
        self._procs: list[subprocess.Popen] = []
        self._named: dict[str, int] = {}
        self._exit = AsyncExitStack()

    def cpu_seconds(self) -> dict[str, float]:
        """CPU seconds each part of the stack (and this bench, with the stand-in) has used so far."""
        # The bench's own threads only: every other part is a child of this process.
        return {**cpu_of(self._named), "bench": time.process_time()}

    def webhook_url(self) -> str:
        """The webhook of the next Rasa instance in turn."""
        return next(self._next_webhook)

    async def __aenter__(self) -> Stack:
        try:
            await self._start()
        except BaseException:
            await self.__aexit__(None, None, None)
            raise
        return self

    async def __aexit__(self, *exc) -> None:
        stop(self._procs)
        await self._exit.aclose()

    def _environment(self, database_url: str) -> dict[str, str]:
        redis = self.ports["redis"]
        return {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "SEVA_HOME": str(ROOT),
            "REDIS_URL": f"redis://127.0.0.1:{redis}/0",
            "REDIS_HOST": "127.0.0.1",
            "REDIS_PORT": str(redis),
            "RASA_TRACKER_DB": "1",
            "RASA_LOCK_DB": "2",
            "RASA_TOKEN": secrets.token_hex(8),
            # One Sanic worker per `rasa run`: --rasa-instances counts processes, each on its own port.
            "SANIC_WORKERS": "1",
            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{self.ports['actions']}/webhook",
            "WHATSAPP_GRAPH_URL": f"http://127.0.0.1:{self.ports['standin']}",
            "WHATSAPP_API_VERSION": "v21.0",
            "WHATSAPP_ACCESS_TOKEN": secrets.token_hex(16),
            "WHATSAPP_APP_SECRET": secrets.token_hex(16),
            "WHATSAPP_VERIFY_TOKEN": secrets.token_hex(8),
            "WHATSAPP_NUMBERS": f"{GENERAL_NUMBER}:general,100000000000002:revenue",
            "WHATSAPP_WEBHOOK_URL": self.webhook_urls[0],
            "SEVA_ID_SALT": secrets.token_hex(8),
            "BACKOFFICE_URL": f"http://127.0.0.1:{self.ports['backoffice']}",
            "BACKOFFICE_API_TOKEN": secrets.token_hex(8),
            "DATABASE_URL": database_url,
            "SECRET_KEY": secrets.token_hex(16),
            "SEVA_DOCUMENTS_DIR": str(self.logs / "documents"),
            "OMP_THREAD_LIMIT": "1",
        }

    async def _start(self) -> None:
        assert MODEL.exists(), "no trained model: run `make model` first"
        self.logs.mkdir(parents=True, exist_ok=True)
        postgres = await asyncio.to_thread(PostgresServer().start)
        self._exit.callback(postgres.stop)
        self._named["postgres"] = postgres.process.pid
        self.env = env = self._environment(postgres.create_database("seva"))
        flask = [str(VENV / "python"), "-m", "flask", "--app", "backoffice.app"]
        await asyncio.to_thread(
            subprocess.run,
            [*flask, "db", "upgrade"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
        await self._start_standin()
        self._add("redis",
            start(["redis-server", "--port", str(self.ports["redis"]), "--bind", "127.0.0.1", "--save", "",
                   "--appendonly", "no"], env, self.logs / "redis.log")
        )  # fmt: skip
        # gunicorn as docker-compose runs the back-office (4 sync workers), not Flask's development server.
        self._add("back-office",
            start([str(VENV / "gunicorn"), "backoffice.app:create_app()", "--workers", "4",
                   "--bind", f"127.0.0.1:{self.ports['backoffice']}"], env, self.logs / "backoffice.log")
        )  # fmt: skip
        self._add("celery",
            start([str(VENV / "celery"), "-A", "backoffice.worker", "worker", "--concurrency", "2",
                   "--prefetch-multiplier", "1", "--loglevel", "INFO"], env, self.logs / "worker.log")
        )  # fmt: skip
        self._add("actions",
            start([str(RASA_VENV / "rasa"), "run", "actions", "--actions", "actions",
                   "--port", str(self.ports["actions"])], env, self.logs / "actions.log")
        )  # fmt: skip
        for index in range(self.rasa_instances):
            self._add(f"rasa{index}",
                start([str(RASA_VENV / "rasa"), "run", "--model", str(MODEL), "--enable-api",
                       "--auth-token", env["RASA_TOKEN"], "--credentials", "credentials.yml",
                       "--endpoints", "endpoints.yml", "--port", str(self.ports[f"rasa{index}"])],
                      env, self.logs / f"rasa{index}.log")
            )  # fmt: skip
        await asyncio.to_thread(self._wait_until_up)

    def _add(self, name: str, process: subprocess.Popen) -> None:
        self._procs.append(process)
        self._named[name] = process.pid

    async def _start_standin(self) -> None:
        settings = Settings(
            access_token=self.env["WHATSAPP_ACCESS_TOKEN"],
            app_secret=self.env["WHATSAPP_APP_SECRET"],
            webhook_url=self.webhook_urls[0],
            numbers={GENERAL_NUMBER: "general", "100000000000002": "revenue"},
            port=self.ports["standin"],
            # Meta's caps (80 messages/s per number, ~1 per 6 s per citizen) are off: the bench measures Seva.
            throughput_per_second=0,
            pair_burst=10_000,
        )
        app = create_app(settings, on_outbound=self.on_outbound)
        self.api = app[CLOUD_API]
        # Meta's sent/delivered/read statuses are part of the load; they go round-robin like the messages.
        self.api.poster = RoundRobinPoster(self.webhook_urls, settings.app_secret)
        runner = web.AppRunner(app)
        await runner.setup()
        self._exit.push_async_callback(runner.cleanup)
        await web.TCPSite(runner, "127.0.0.1", settings.port).start()

    def _wait_until_up(self) -> None:
        """Wait for every port and the worker, failing early when a process exits instead."""
        deadline = time.monotonic() + START_TIMEOUT

        def check() -> None:
            if time.monotonic() > deadline or any(p.poll() is not None for p in self._procs):
                raise RuntimeError(f"the stack did not start; see the logs in {self.logs}")

        for port in self.ports.values():
            while True:
                try:
                    wait_for_port(port, timeout=1.0)
                    break
                except TimeoutError:
                    check()
        while WORKER_READY not in (self.logs / "worker.log").read_text(errors="replace"):
            check()
            time.sleep(0.2)
