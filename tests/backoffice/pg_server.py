"""A throw-away PostgreSQL 15 server on a free port, for the back-office tests and benchmark."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

from tests.servers import free_port, wait_for_port

PG_BIN = Path("/usr/lib/postgresql/15/bin")


class PostgresServer:
    """initdb + postgres in a temporary directory, run as the `postgres` user when we are root (it refuses root)."""

    def __init__(self, settings: tuple[str, ...] = ()):
        self.port = free_port()
        self.settings = settings
        self.base = Path(tempfile.mkdtemp(prefix="seva-pg-"))
        self.process: subprocess.Popen | None = None

    def _as_owner(self) -> list[str]:
        if os.geteuid() != 0:
            return []
        shutil.chown(self.base, "postgres")
        return ["runuser", "-u", "postgres", "--"]

    def start(self) -> PostgresServer:
        """Create the cluster and start the server; returns when it accepts connections."""
        if not (PG_BIN / "initdb").exists():
            raise RuntimeError("PostgreSQL 15 server binaries are missing (apt-get install postgresql)")
        as_owner = self._as_owner()
        datadir = self.base / "data"
        subprocess.run(
            [*as_owner, str(PG_BIN / "initdb"), "-D", str(datadir), "-U", "seva", "--auth=trust", "-E", "UTF8",
             "--locale=C.UTF-8", "--no-sync"],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        options = ["-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off"]
        for setting in self.settings:
            options += ["-c", setting]
        self.process = subprocess.Popen(
            [*as_owner, str(PG_BIN / "postgres"), "-D", str(datadir), "-p", str(self.port), "-k", str(self.base),
             *options],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for_port(self.port)
        # The port opens before recovery finishes ("the database system is starting up"): wait for a session.
        deadline = time.monotonic() + 30
        while True:
            try:
                psycopg.connect(self._conninfo()).close()
                return self
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def _conninfo(self) -> str:
        return f"host=127.0.0.1 port={self.port} user=seva dbname=postgres"

    def url(self, database: str = "postgres") -> str:
        """The SQLAlchemy URL of `database` on this server."""
        return f"postgresql+psycopg://seva@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """Create an empty database and return its URL."""
        with psycopg.connect(self._conninfo(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        """Stop the server and remove its files."""
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
        shutil.rmtree(self.base, ignore_errors=True)
