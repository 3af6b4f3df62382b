"""The baseline every channel figure stands beside: a plain `rasa init` bot, trained once and reused."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.servers import ROOT

RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
BASELINE_DIR = ROOT / "var" / "bench" / "rasa-init"
# What a citizen says to the `rasa init` bot, turn by turn (its own example conversation).
BASELINE_SCRIPT = ["hello", "I am sad", "yes", "bye", "are you a bot?"]


def percentile(values: list[float], pct: float) -> float:
    """The `pct` percentile of `values` by the nearest-rank method."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def ensure_baseline_model(logs: Path) -> Path:
    """Create and train the `rasa init` bot once; later runs reuse it."""
    model = BASELINE_DIR / "models" / "baseline.tar.gz"
    if not model.exists():
        shutil.rmtree(BASELINE_DIR, ignore_errors=True)
        BASELINE_DIR.mkdir(parents=True)
        subprocess.run(
            [str(RASA), "init", "--no-prompt", "--init-dir", str(BASELINE_DIR)],
            check=True,
            stdout=(logs / "init.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        for old in (BASELINE_DIR / "models").glob("*.tar.gz"):
            old.rename(model)
    return model
