"""Rasa's command line, run in the Rasa venv as a child process of the worker (Rasa needs Python 3.10)."""

from __future__ import annotations

import os
import re
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
    return Outcome(done.returncode == 0, (done.stdout + done.stderr)[-200_000:])


def validate(config: Path, domain: Path, data: list[Path]) -> Outcome:
    """`rasa data validate --fail-on-warnings` over the given data folders."""
    return run(
        ["rasa", "data", "validate", "--config", str(config), "--domain", str(domain),
         "--data", *map(str, data), "--fail-on-warnings"],
        timeout=600,
    )  # fmt: skip


def validator_message(output: str) -> str:
    """The validator's complaints, without Rasa's start-up noise and colour codes; the serious ones first.

    Rasa also warns about utterances no story uses, which the project's own data has and which do not fail
    validation; those come last, so the reason an export was refused is what a trainer reads first.
    """
    plain = _ANSI.sub("", output)
    complaints = [
        line.split("UserWarning: ", 1)[1].strip() if "UserWarning: " in line else line.strip()
        for line in plain.splitlines()
        if "UserWarning: " in line or " ERROR " in line or "completed with errors" in line
    ]
    serious = [c for c in complaints if "is not used in any story" not in c]
    return "\n".join(serious[:30]) or plain[-2000:]


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
