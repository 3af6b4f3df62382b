"""Builds the QR code as a matrix of modules, draws it as vectors on a PDF canvas, and reads QR codes back."""

import subprocess
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import numpy as np
import qrcode
import zxingcpp
from PIL import Image
from qrcode.util import MODE_8BIT_BYTE, MODE_ALPHA_NUM, QRData
from reportlab.pdfgen.canvas import Canvas

from certificates.qr_payload import URL_PARAMETER

ALPHANUMERIC = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")


@dataclass(frozen=True)
class QrMatrix:
    """The dark/light modules of a QR code, without its quiet zone."""

    version: int
    modules: list[list[bool]]

    @property
    def size(self) -> int:
        """Modules per side."""
        return len(self.modules)


def _runs_penalty(modules: np.ndarray) -> int:
    # Rule 1: each run of five or more same-coloured modules in a row costs 3 + (length - 5).
    padded = np.concatenate(
        [modules.astype(np.int8), np.full((modules.shape[0], 1), 2, np.int8)], axis=1
    ).ravel()
    starts = np.flatnonzero(np.diff(padded, prepend=-1))
    lengths = np.diff(np.append(starts, padded.size))
    lengths = lengths[padded[starts] != 2]
    return int(np.sum(lengths[lengths >= 5] - 2))


def _finder_like_penalty(modules: np.ndarray) -> int:
    # Rule 3: 1:1:3:1:1 dark-light pattern with four light modules on either side costs 40 each.
    windows = np.lib.stride_tricks.sliding_window_view(modules, 11, axis=1)
    return 40 * int(
        np.sum(np.all(windows == _FINDER_LEFT, axis=2)) + np.sum(np.all(windows == _FINDER_RIGHT, axis=2))
    )


_FINDER_LEFT = np.array([1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0], dtype=bool)
_FINDER_RIGHT = _FINDER_LEFT[::-1].copy()


def mask_penalty(modules: np.ndarray) -> int:
    """The ISO/IEC 18004 penalty score of a finished symbol; the lowest-scoring mask scans best."""
    blocks = modules[:-1, :-1]
    same_2x2 = (blocks == modules[1:, :-1]) & (blocks == modules[:-1, 1:]) & (blocks == modules[1:, 1:])
    dark_percent = modules.mean() * 100
    return (
        _runs_penalty(modules)
        + _runs_penalty(modules.T)
        + 3 * int(same_2x2.sum())
        + _finder_like_penalty(modules)
        + _finder_like_penalty(modules.T)
        + 10 * int(abs(dark_percent - 50) // 5)
    )


_MASKS = [
    lambda i, j: (i + j) % 2 == 0,
    lambda i, j: i % 2 == 0,
    lambda i, j: j % 3 == 0,
    lambda i, j: (i + j) % 3 == 0,
    lambda i, j: (i // 2 + j // 3) % 2 == 0,
    lambda i, j: (i * j) % 2 + (i * j) % 3 == 0,
    lambda i, j: ((i * j) % 2 + (i * j) % 3) % 2 == 0,
    lambda i, j: ((i * j) % 3 + (i + j) % 2) % 2 == 0,
]


def build_qr(address: str, payload: str) -> QrMatrix:
    """A QR code (error correction M) of `address` + "?p=" + `payload`, each part in its densest mode."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    alphanumeric = all(c in ALPHANUMERIC for c in address)
    qr.add_data(QRData(address.encode(), mode=MODE_ALPHA_NUM if alphanumeric else MODE_8BIT_BYTE))
    qr.add_data(QRData(URL_PARAMETER.encode(), mode=MODE_8BIT_BYTE))
    qr.add_data(QRData(payload.encode(), mode=MODE_ALPHA_NUM))
    qr.best_fit()
    # qrcode would lay the data out again for each of the eight masks in pure Python; lay it once
    # under mask 0 and swap masks with NumPy, scoring each finished symbol.
    qr.makeImpl(False, 0)
    laid = np.array(qr.modules, dtype=bool)
    rows, cols = np.indices(laid.shape)
    candidates = []
    for pattern in range(8):
        qr.modules = qrcode.main.copy_2d_array(qrcode.main.precomputed_qr_blanks[qr.version])
        qr.setup_type_info(False, pattern)
        if qr.version >= 7:
            qr.setup_type_number(False)
        fixed = np.array(qr.modules, dtype=object)
        data_area = fixed == None  # noqa: E711 -- element-wise: the modules no function pattern took
        flip = _MASKS[0](rows, cols) ^ _MASKS[pattern](rows, cols)
        symbol = np.where(data_area, laid ^ flip, fixed.astype(bool))
        candidates.append((mask_penalty(symbol), pattern, symbol))
    _, _, best = min(candidates, key=lambda c: c[:2])
    return QrMatrix(qr.version, best.tolist())


def draw_qr(canvas: Canvas, matrix: QrMatrix, x: float, y: float, side: float) -> None:
    """Draw `matrix` as filled rectangles in a `side`-point square whose lower-left corner is (x, y)."""
    size = matrix.size
    rectangles = []
    for row_index, row in enumerate(matrix.modules):
        column = 0
        # One rectangle per horizontal run of dark modules keeps the content stream small.
        while column < size:
            if not row[column]:
                column += 1
                continue
            start = column
            while column < size and row[column]:
                column += 1
            rectangles.append(f"{start} {row_index} {column - start} 1 re")
    canvas.saveState()
    # In module units, rows counting down from the top, the operators are short integers.
    canvas.translate(x, y + side)
    canvas.scale(side / size, -side / size)
    canvas.setFillColorRGB(0, 0, 0)
    canvas._code.append("\n".join(rectangles) + "\nf")
    canvas.restoreState()


def read_qr_texts(image: Image.Image) -> list[str]:
    """The texts of every QR code found in `image`."""
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    return [barcode.text for barcode in found if barcode.valid]


def render_pdf_page(pdf_path: Path, dpi: int = 200, page: int = 1) -> Image.Image:
    """Render one page of a PDF to an image with poppler's pdftoppm."""
    result = subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), str(pdf_path)],
        capture_output=True,
        check=True,
    )
    return Image.open(BytesIO(result.stdout))
