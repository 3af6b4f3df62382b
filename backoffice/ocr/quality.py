"""Decides whether a photo is good enough to read, and says what to fix when it is not."""

import os
from dataclasses import dataclass, field

import cv2
import numpy as np

from backoffice.ocr.preprocess import find_document

# Thresholds, tunable per deployment; defaults calibrated on the synthetic set (docs/ocr.md).
MIN_SIDE_PX = int(os.environ.get("SEVA_OCR_MIN_SIDE_PX", "400"))
MIN_DOCUMENT_WIDTH_PX = int(os.environ.get("SEVA_OCR_MIN_DOCUMENT_WIDTH_PX", "450"))
MIN_BRIGHTNESS = float(os.environ.get("SEVA_OCR_MIN_BRIGHTNESS", "45"))
MIN_SHARPNESS = float(os.environ.get("SEVA_OCR_MIN_SHARPNESS", "20"))


@dataclass
class Quality:
    """The verdict of the quality gate: a reason code when refused, and the measurements behind it."""

    reason: str | None
    metrics: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the photo may go on to OCR."""
        return self.reason is None

    def as_dict(self) -> dict:
        """JSON-ready form: {"ok", "reason", "metrics"}."""
        return {"ok": self.ok, "reason": self.reason, "metrics": self.metrics}


def sharpness(grey: np.ndarray) -> float:
    """Variance of the Laplacian on a fixed scale after stretching contrast (so dim is not blurred) and a light
    smoothing (so sensor noise does not pass for sharp edges)."""
    scaled = cv2.resize(grey, (1000, int(1000 * grey.shape[0] / grey.shape[1])), interpolation=cv2.INTER_AREA)
    lo, hi = np.percentile(scaled, (1, 99))
    stretched = np.clip((scaled.astype(np.float32) - lo) * 255.0 / max(hi - lo, 1.0), 0, 255).astype(
        np.float32
    )
    return float(cv2.Laplacian(cv2.GaussianBlur(stretched, (0, 0), 1.0), cv2.CV_32F).var())


def assess(image: np.ndarray) -> Quality:
    """Refuse photos that are too small, too dark or blurred; measure on the document when one is found."""
    h, w = image.shape[:2]
    metrics: dict[str, float] = {"width": float(w), "height": float(h)}
    if min(h, w) < MIN_SIDE_PX:
        return Quality("too_small", metrics)
    corners = find_document(image)
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    if corners is not None:
        x, y, cw, ch = cv2.boundingRect(corners.astype(np.int32))
        x, y = max(x, 0), max(y, 0)
        grey = grey[y : y + ch, x : x + cw]
        metrics["document_width"] = float(max(cw, ch))
        if max(cw, ch) < MIN_DOCUMENT_WIDTH_PX:
            return Quality("too_small", metrics)
    metrics["brightness"] = round(float(np.percentile(grey, 90)), 1)
    if metrics["brightness"] < MIN_BRIGHTNESS:
        return Quality("too_dark", metrics)
    metrics["sharpness"] = round(sharpness(grey), 1)
    if metrics["sharpness"] < MIN_SHARPNESS:
        return Quality("blurred", metrics)
    return Quality(None, metrics)
