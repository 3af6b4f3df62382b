"""Rasa's command line, run in the Rasa venv as a child process of the worker (Rasa needs Python 3.10)."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from flask import current_app


@dataclass(frozen=True)
class Outcome:
    """A finished command: did it succeed, and what it printed (stdout and stderr, the end of it)."""

    ok: bool
    output: str


def run(args: list[str], timeout: float) -> Outcome:
    """Run `python -m <args>` with the Rasa interpreter in SEVA_HOME; never raises for a failing command."""
    home = current_app.config["SEVA_HOME"]
    command = [current_app.config["RASA_PYTHON"], "-m", *args]
    env = {**os.environ, "PYTHONPATH": home, "SEVA_HOME": home}
    try:
        done = subprocess.run(
            command, cwd=home, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return Outcome(False, f"{' '.join(args[:3])} took longer than {timeout:.0f} s and was stopped")
    except OSError as error:
        return Outcome(False, f"could not start {command[0]}: {error}")
    return Outcome(done.returncode == 0, (done.stdout + done.stderr)[-8000:])


def validate(config: Path, domain: Path, data: list[Path]) -> Outcome:
    """`rasa data validate --fail-on-warnings` over the given data folders."""
    return run(
        ["rasa", "data", "validate", "--config", str(config), "--domain", str(domain),
         "--data", *map(str, data), "--fail-on-warnings"],
        timeout=600,
    )  # fmt: skip


def validator_message(output: str) -> str:
    """The validator's warnings and errors, without Rasa's start-up noise."""
    keep = [
        line.strip()
        for line in output.splitlines()
        if any(
            word in line
            for word in ("UserWarning", "WARNING", "ERROR", "Error", "error", "conflict", "duplicate")
        )
        or line.strip().startswith(("-", "The "))
    ]
    return "\n".join(keep[-30:]) or output[-2000:]
