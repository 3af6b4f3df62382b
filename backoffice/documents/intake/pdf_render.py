"""Child-process program that renders a PDF's pages to PNG files; run only by `pdf.rasterise`.

Usage: python -m backoffice.documents.intake.pdf_render IN.pdf OUTDIR MAX_PAGES DPI MAX_PIXELS
(exit 3: too many pages, 4: corrupt, 5: password-protected)
"""

import sys

import pypdfium2 as pdfium

from backoffice.documents.intake.pdf import EXIT_CORRUPT, EXIT_ENCRYPTED, EXIT_TOO_MANY_PAGES


def render(source: str, outdir: str, max_pages: int, dpi: int, max_pixels: int) -> int:
    """Render every page at `dpi`, scaled down to at most `max_pixels`; return the exit status."""
    try:
        document = pdfium.PdfDocument(source)
    except pdfium.PdfiumError as exc:
        return EXIT_ENCRYPTED if exc.err_code == pdfium.raw.FPDF_ERR_PASSWORD else EXIT_CORRUPT
    if len(document) > max_pages:
        return EXIT_TOO_MANY_PAGES
    for index in range(len(document)):
        page = document[index]
        width, height = page.get_size()  # points
        scale = dpi / 72
        if width * height * scale * scale > max_pixels:
            # 1 % under the limit, because PDFium rounds each side up to whole pixels.
            scale = 0.99 * (max_pixels / max(width * height, 1)) ** 0.5
        page.render(scale=scale).to_pil().save(f"{outdir}/page-{index:03d}.png")
    return 0


if __name__ == "__main__":
    sys.exit(render(sys.argv[1], sys.argv[2], *(int(arg) for arg in sys.argv[3:6])))
