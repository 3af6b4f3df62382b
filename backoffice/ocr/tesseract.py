"""Runs the Tesseract command line on an image and returns its lines with confidences."""

import os
import subprocess
from dataclasses import dataclass

import cv2
import numpy as np

TIMEOUT_S = float(os.environ.get("SEVA_OCR_TIMEOUT", "30"))


class OcrFailed(RuntimeError):
    """Tesseract could not be run or gave up on the image."""


@dataclass(frozen=True)
class Word:
    """One recognised word, its confidence (0-100) and its left edge in pixels."""

    text: str
    confidence: float
    left: int


@dataclass(frozen=True)
class Line:
    """One line of recognised words, top to bottom, left to right."""

    words: tuple[Word, ...]
    top: int

    @property
    def text(self) -> str:
        """The words joined by single spaces."""
        return " ".join(w.text for w in self.words)

    @property
    def confidence(self) -> float:
        """Mean word confidence of the line."""
        return sum(w.confidence for w in self.words) / len(self.words)


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    # Tesseract's OpenMP threads fight each other when several workers share the cores.
    env["OMP_THREAD_LIMIT"] = os.environ.get("OMP_THREAD_LIMIT", "1")
    return env


def read_lines(image: np.ndarray, lang: str = "eng+hin", psm: int = 6) -> list[Line]:
    """Recognise `image` (grey or BGR array) with the LSTM engine and return its text lines, top to bottom."""
    ok, png = cv2.imencode(".png", image)
    if not ok:
        raise OcrFailed("could not encode the image for Tesseract")
    try:
        done = subprocess.run(
            ["tesseract", "stdin", "stdout", "-l", lang, "--oem", "1", "--psm", str(psm), "tsv"],
            input=png.tobytes(),
            capture_output=True,
            timeout=TIMEOUT_S,
            env=_environment(),
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise OcrFailed(f"tesseract did not finish: {exc}") from exc
    if done.returncode != 0:
        raise OcrFailed(done.stderr.decode(errors="replace")[-500:])
    return _lines_from_tsv(done.stdout.decode("utf-8", errors="replace"))


def _lines_from_tsv(tsv: str) -> list[Line]:
    grouped: dict[tuple[int, int, int], list[tuple[Word, int]]] = {}
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        key = (int(cols[2]), int(cols[3]), int(cols[4]))
        grouped.setdefault(key, []).append(
            (Word(cols[11], max(float(cols[10]), 0.0), int(cols[6])), int(cols[7]))
        )
    lines = [Line(tuple(w for w, _ in items), min(top for _, top in items)) for items in grouped.values()]
    return sorted(lines, key=lambda ln: (ln.top, ln.words[0].left))
