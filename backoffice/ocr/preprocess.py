"""Turns a phone photo of a document into flat, upright, clean images that Tesseract reads well."""

from dataclasses import dataclass

import cv2
import numpy as np

# Width of the flattened document; ID-1 cards then carry text about 30-40 px tall.
DOCUMENT_WIDTH = 1400
# Below this the photo is upscaled before reading, because Tesseract misses small glyphs.
MIN_TEXT_WIDTH = 1200


class UnreadableImage(ValueError):
    """The bytes are not an image OpenCV can decode."""


@dataclass
class Prepared:
    """A document flattened for reading: the grey image, its binarised twin, and how it was found."""

    grey: np.ndarray
    binary: np.ndarray
    found_document: bool
    corners: np.ndarray | None
    source_width: float  # width of the document in the original photo, in pixels


def decode(data: bytes) -> np.ndarray:
    """Decode image bytes (JPEG, PNG, WebP...) into a BGR array, or raise UnreadableImage."""
    array = np.frombuffer(data, np.uint8)
    image = cv2.imdecode(array, cv2.IMREAD_COLOR) if array.size else None
    if image is None:
        raise UnreadableImage("not a decodable image")
    return image


def _order_corners(pts: np.ndarray) -> np.ndarray:
    """Order four points as top-left, top-right, bottom-right, bottom-left."""
    pts = pts.reshape(4, 2).astype(np.float32)
    s, d = pts.sum(axis=1), np.diff(pts, axis=1).ravel()
    return np.float32([pts[np.argmin(s)], pts[np.argmin(d)], pts[np.argmax(s)], pts[np.argmax(d)]])


def find_document(image: np.ndarray, min_fraction: float = 0.15) -> np.ndarray | None:
    """Return the corners of the largest quadrilateral covering at least `min_fraction` of the photo, or None."""
    h, w = image.shape[:2]
    scale = 800.0 / max(h, w)
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    blurred = cv2.GaussianBlur(small, (5, 5), 0)
    grey = cv2.cvtColor(blurred, cv2.COLOR_BGR2GRAY)
    # First cue: edges in any colour channel (an orange band on a grey table has no edge in grey).
    edges = np.zeros(grey.shape, np.uint8)
    for channel in cv2.split(blurred):
        edges |= cv2.Canny(channel, 50, 150)
    edges = cv2.dilate(edges, np.ones((5, 5), np.uint8))
    # Fallback cue: a brightness split, as documents are usually paler than the table. It can merge the
    # card with a light patch of table, so it is only used when the edges show no document.
    _, bright = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    frame = small.shape[0] * small.shape[1]
    for mask in (edges, bright):
        best, best_area = None, min_fraction * frame
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for contour in contours:
            area = cv2.contourArea(contour)
            if area <= best_area:
                continue
            hull = cv2.convexHull(contour)
            quad = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True)
            if len(quad) != 4:
                quad = cv2.boxPoints(cv2.minAreaRect(hull))
            # Reject shapes that fill the whole frame: that is the table, not the card.
            if cv2.contourArea(quad.reshape(-1, 1, 2).astype(np.float32)) > 0.97 * frame:
                continue
            best, best_area = quad, area
        if best is not None:
            return _order_corners(best) / scale
    return None


def flatten(image: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """Warp the quadrilateral `corners` of `image` to an upright rectangle DOCUMENT_WIDTH wide."""
    tl, tr, br, bl = corners
    width = (np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2
    height = (np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2
    if height > width:  # a card photographed in portrait: turn the quad so its long side is on top
        corners = np.float32([bl, tl, tr, br])
        width, height = height, width
    out_w, out_h = DOCUMENT_WIDTH, int(round(DOCUMENT_WIDTH * height / width))
    target = np.float32([[0, 0], [out_w - 1, 0], [out_w - 1, out_h - 1], [0, out_h - 1]])
    matrix = cv2.getPerspectiveTransform(corners.astype(np.float32), target)
    return cv2.warpPerspective(image, matrix, (out_w, out_h), flags=cv2.INTER_CUBIC)


def deskew(grey: np.ndarray) -> np.ndarray:
    """Rotate `grey` so its text lines run horizontally (for pages where no outline was found)."""
    ink = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1]
    lines = cv2.HoughLinesP(ink, 1, np.pi / 360, 200, minLineLength=grey.shape[1] // 4, maxLineGap=20)
    if lines is None:
        return grey
    angles = [np.degrees(np.arctan2(y2 - y1, x2 - x1)) for x1, y1, x2, y2 in lines[:, 0]]
    angles = [a for a in angles if abs(a) < 30]
    if not angles:
        return grey
    angle = float(np.median(angles))
    h, w = grey.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(grey, matrix, (w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)


def even_out(grey: np.ndarray) -> np.ndarray:
    """Divide out uneven and dim lighting, then denoise, so ink is dark on a white ground."""
    background = cv2.medianBlur(cv2.resize(grey, None, fx=0.25, fy=0.25), 31)
    background = cv2.resize(background, (grey.shape[1], grey.shape[0]), interpolation=cv2.INTER_LINEAR)
    flat = cv2.divide(grey, np.maximum(background, 1), scale=255)
    return cv2.fastNlMeansDenoising(flat, None, h=12, templateWindowSize=7, searchWindowSize=15)


def binarise(grey: np.ndarray) -> np.ndarray:
    """Adaptive (local Gaussian) threshold, which survives shadows that a global threshold does not."""
    return cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, 41, 15)


def prepare(image: np.ndarray) -> Prepared:
    """Find, flatten, deskew, light-correct, denoise, upscale and binarise the document in `image`."""
    corners = find_document(image)
    if corners is not None:
        grey = cv2.cvtColor(flatten(image, corners), cv2.COLOR_BGR2GRAY)
        tl, tr, br, bl = corners
        source_width = float(max(np.linalg.norm(tr - tl), np.linalg.norm(bl - tl)))
    else:
        grey = deskew(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY))
        source_width = float(grey.shape[1])
        if grey.shape[1] < MIN_TEXT_WIDTH:
            factor = MIN_TEXT_WIDTH / grey.shape[1]
            grey = cv2.resize(grey, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
    grey = even_out(grey)
    return Prepared(grey, binarise(grey), corners is not None, corners, source_width)
