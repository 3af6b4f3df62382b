"""Builds the QR code as a matrix of modules, draws it as vectors on a PDF canvas, and reads QR codes back."""

import subprocess
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import numpy as np
import zxingcpp
from PIL import Image
from reportlab.pdfgen.canvas import Canvas

from certificates.qr_payload import full_qr_text


@dataclass(frozen=True)
class QrMatrix:
    """The dark/light modules of a QR code, without its quiet zone."""

    version: int
    modules: list[list[bool]]

    @property
    def size(self) -> int:
        """Modules per side."""
        return len(self.modules)


def build_qr(address: str, payload: str) -> QrMatrix:
    """A QR code (error correction M) of `address` + "?p=" + `payload`.

    zxing-cpp's writer (zint) splits the text into its densest modes: the upper-case address and
    the Base45 payload go in alphanumeric mode, "?p=" in byte mode; it also picks the best mask.
    """
    barcode = zxingcpp.create_barcode(
        full_qr_text(address, payload), zxingcpp.BarcodeFormat.QRCode, ec_level="M"
    )
    pixels = np.asarray(barcode.to_image(scale=1, add_quiet_zones=False))
    modules = (pixels < 128).tolist()
    return QrMatrix(version=(len(modules) - 17) // 4, modules=modules)


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
