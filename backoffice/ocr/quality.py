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
MIN_SHARPNESS = float(os.environ.get("SEVA_OCR_MIN_SHARPNESS", "0.35"))


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
    """0-1: how much of its steepest edges a photo loses when blurred once more (sharp ones lose much).

    A ratio, so it does not depend on brightness, contrast or how much text there is; measured after
    a light smoothing so that sensor noise does not pass for sharp edges.
    """
    scaled = cv2.resize(grey, (1000, int(1000 * grey.shape[0] / grey.shape[1])), interpolation=cv2.INTER_AREA)
    scaled = scaled.astype(np.float32)

    def steepest(sigma: float) -> float:
        smooth = cv2.GaussianBlur(scaled, (0, 0), sigma)
        magnitude = np.hypot(cv2.Sobel(smooth, cv2.CV_32F, 1, 0), cv2.Sobel(smooth, cv2.CV_32F, 0, 1))
        return float(np.percentile(magnitude, 99.5))

    return 1.0 - steepest(2.5) / max(steepest(1.0), 1e-6)


def _distant_card(image: np.ndarray) -> bool:
    """True when the only document-like shape is a small card-shaped one: the citizen stood too far."""
    corners = find_document(image, min_fraction=0.02)
    if corners is None:
        return False
    tl, tr, br, bl = corners
    sides = sorted(
        [np.linalg.norm(tr - tl) + np.linalg.norm(br - bl), np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)]
    )
    # ID-1 cards are 0.63 as high as wide; a photo box or a logo on a full-frame page is not.
    return 0.5 <= sides[0] / sides[1] <= 0.75


def assess(image: np.ndarray) -> Quality:
    """Refuse photos that are too small, too dark or blurred; measure on the document when one is found."""
    h, w = image.shape[:2]
    metrics: dict[str, float] = {"width": float(w), "height": float(h)}
    if min(h, w) < MIN_SIDE_PX:
        return Quality("too_small", metrics)
    corners = find_document(image)
    if corners is None and _distant_card(image):
        return Quality("too_small", metrics)
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
    metrics["sharpness"] = round(sharpness(grey), 3)
    if metrics["sharpness"] < MIN_SHARPNESS:
        return Quality("blurred", metrics)
    return Quality(None, metrics)
