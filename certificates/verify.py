"""Offline verification of a certificate PDF or a photo of its QR code: the QR signature and the PDF signature."""

import io
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from certificates.qr_code import read_qr_texts, render_pdf_page
from certificates.qr_keys import PublicKeyset
from certificates.qr_payload import PayloadError, SignedClaims, verify_qr_text
from certificates.signing import PdfSignatureCheck, check_pdf_signature

PDF_MAGIC = b"%PDF-"


@dataclass
class VerificationReport:
    """What verifying one file found; `problems` says in words why it must not be trusted."""

    source: str
    claims: SignedClaims | None = None
    pdf_signature: PdfSignatureCheck | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the file verified with no problem at all."""
        return self.claims is not None and not self.problems


def verify_qr_image(image: Image.Image, keyset: PublicKeyset, report: VerificationReport) -> None:
    """Find the Seva QR code in `image` and check its signature, recording the claims or the problem."""
    texts = read_qr_texts(image)
    if not texts:
        report.problems.append("no QR code could be read (try a sharper, flatter, well-lit photo)")
        return
    failures = []
    for text in texts:
        try:
            report.claims = verify_qr_text(text, keyset)
            return
        except PayloadError as exc:
            failures.append(str(exc))
    report.problems.append(failures[0])


def verify_pdf(pdf: bytes, path: Path, keyset: PublicKeyset, trust_roots, report: VerificationReport) -> None:
    """Check a certificate PDF: its PAdES signature, then the QR code drawn on its page."""
    report.pdf_signature = check_pdf_signature(pdf, trust_roots)
    if report.pdf_signature.problem:
        report.problems.append(report.pdf_signature.problem)
    try:
        image = render_pdf_page(path)
    except Exception as exc:  # an unrenderable PDF is a verification failure, never a crash
        report.problems.append(f"the PDF page cannot be rendered to read its QR code ({exc})")
        return
    verify_qr_image(image, keyset, report)


def verify_file(path: Path, keyset: PublicKeyset, trust_roots) -> VerificationReport:
    """Verify a certificate PDF or a PNG/JPEG photo of its QR code, offline."""
    report = VerificationReport(source=str(path))
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        report.problems.append(f"the file cannot be read ({exc.strerror})")
        return report
    if data.startswith(PDF_MAGIC):
        verify_pdf(data, Path(path), keyset, trust_roots, report)
        return report
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError):
        report.problems.append("the file is neither a PDF nor an image (PNG or JPEG)")
        return report
    verify_qr_image(image, keyset, report)
    return report
