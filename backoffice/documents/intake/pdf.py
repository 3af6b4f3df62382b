"""Rasterises PDFs into page images safely: page and inflation limits, then a jailed child renderer."""

import re
import resource
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

from backoffice.documents.intake import limits
from backoffice.documents.intake.refusal import DocumentRefused

_STREAM = re.compile(rb"stream\r?\n")
_COUNT = re.compile(rb"/Count\s+(\d{1,12})")
# Exit codes of pdf_render: the child reports what it refused.
EXIT_TOO_MANY_PAGES = 3
EXIT_CORRUPT = 4
EXIT_ENCRYPTED = 5


def inflated_size(data: bytes, cap: int) -> int:
    """Total size the zlib streams of `data` inflate to, counting no further than `cap` bytes."""
    total = 0
    for match in _STREAM.finditer(data):
        end = data.find(b"endstream", match.end())
        raw = data[match.end() : end if end != -1 else len(data)]
        inflater = zlib.decompressobj()
        try:
            chunk = inflater.decompress(raw, cap - total + 1)
            total += len(chunk)
            while inflater.unconsumed_tail and total <= cap:
                chunk = inflater.decompress(inflater.unconsumed_tail, cap - total + 1)
                total += len(chunk)
        except zlib.error:
            continue  # not Flate (DCT images, plain text): nothing to inflate
        if total > cap:
            break
    return total


def check_pdf(data: bytes) -> None:
    """Refuse PDFs that are too big, claim too many pages, or inflate into a decompression bomb."""
    if len(data) > limits.MAX_PDF_BYTES:
        raise DocumentRefused("too_large", f"PDF is over {limits.MAX_PDF_BYTES} bytes")
    counts = [int(n) for n in _COUNT.findall(data)]
    if counts and max(counts) > limits.MAX_PDF_PAGES:
        raise DocumentRefused("too_large", f"PDF has more than {limits.MAX_PDF_PAGES} pages")
    if inflated_size(data, limits.MAX_PDF_INFLATED_BYTES) > limits.MAX_PDF_INFLATED_BYTES:
        raise DocumentRefused("too_large", "PDF inflates beyond the limit (decompression bomb)")


def _jail() -> None:
    # Runs in the child before exec: a bomb that slips past check_pdf dies here, not in the worker.
    resource.setrlimit(resource.RLIMIT_AS, (limits.RENDER_MEMORY_BYTES, limits.RENDER_MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.RENDER_SECONDS, limits.RENDER_SECONDS))


def rasterise(data: bytes) -> list[bytes]:
    """PNG images of the pages of a checked PDF, rendered by a memory- and time-limited child process."""
    check_pdf(data)
    with tempfile.TemporaryDirectory(prefix="seva-pdf-") as workdir:
        source = Path(workdir) / "in.pdf"
        source.write_bytes(data)
        try:
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "backoffice.documents.intake.pdf_render",
                    str(source),
                    workdir,
                    str(limits.MAX_PDF_PAGES),
                    str(limits.PDF_DPI),
                    str(limits.MAX_PIXELS),
                ],  # fmt: skip
                preexec_fn=_jail,  # safe: intake starts no threads of its own
                capture_output=True,
                timeout=limits.RENDER_SECONDS + 5,
                check=False,
                cwd=Path(__file__).resolve().parents[3],
            )
        except subprocess.TimeoutExpired as exc:
            raise DocumentRefused("too_large", "PDF took too long to render") from exc
        if done.returncode == EXIT_TOO_MANY_PAGES:
            raise DocumentRefused("too_large", f"PDF has more than {limits.MAX_PDF_PAGES} pages")
        if done.returncode == EXIT_ENCRYPTED:
            # DigiLocker and bank downloads are often password-protected; the citizen can fix that.
            raise DocumentRefused("encrypted", "PDF is password-protected")
        if done.returncode == EXIT_CORRUPT:
            raise DocumentRefused("corrupt", "PDF cannot be opened")
        if done.returncode != 0:
            # Killed by the memory or CPU limit, or crashed inside PDFium.
            raise DocumentRefused("too_large", f"PDF renderer stopped (status {done.returncode})")
        pages = sorted(Path(workdir).glob("page-*.png"))
        if not pages:
            raise DocumentRefused("corrupt", "PDF has no pages")
        return [p.read_bytes() for p in pages]
