"""PAdES signing of PDFs with each department's key (PKCS#12 file or PKCS#11 token), and checking it."""

import io
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from threading import Lock

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import ECDSA
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from pyhanko.keys import load_certs_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import get_pyca_cryptography_hash
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from certificates.settings import CertificateSettings

FIELD_NAME = "SevaSignature"
_TIMESTAMP_ROOM = 16384  # hex digits reserved for a timestamp token when a TSA is configured


class CachedKeySigner(signers.SimpleSigner):
    """A pyHanko SimpleSigner that parses its private key once (pyHanko re-parses it, ~40 ms for RSA, per use)."""

    @classmethod
    def from_simple(cls, signer: signers.SimpleSigner) -> "CachedKeySigner":
        """The same key and certificates, with the key parsed once."""
        return cls(
            signing_cert=signer.signing_cert,
            signing_key=signer.signing_key,
            cert_registry=signer.cert_registry,
            signature_mechanism=signer.signature_mechanism,
        )

    @cached_property
    def _private_key(self):
        return serialization.load_der_private_key(self.signing_key.dump(), password=None)

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        """Sign with the parsed key (RSA PKCS#1 v1.5 or ECDSA); other schemes go through pyHanko."""
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        hash_algorithm = get_pyca_cryptography_hash(digest_algorithm)
        if mechanism == "rsassa_pkcs1v15":
            return self._private_key.sign(data, PKCS1v15(), hash_algorithm)
        if mechanism == "ecdsa":
            return self._private_key.sign(data, ECDSA(hash_algorithm))
        return super().sign_raw(data, digest_algorithm)


class SigningError(RuntimeError):
    """A department's signing key could not be used; the message says which and why."""


class DepartmentSigners:
    """Gives the pyHanko signer of each department, built once and then reused (loading keys is slow)."""

    def __init__(self, settings: CertificateSettings):
        self.settings = settings
        self._signers: dict[str, signers.PdfSigner] = {}
        self._lock = Lock()
        self._pkcs11_session = None

    def pdf_signer(self, department: str) -> signers.PdfSigner:
        """The PAdES signer of `department`."""
        with self._lock:
            if department not in self._signers:
                self._signers[department] = signers.PdfSigner(
                    signers.PdfSignatureMetadata(
                        field_name=FIELD_NAME,
                        subfilter=fields.SigSeedSubFilter.PADES,
                        md_algorithm="sha256",
                        reason="Issued by the Government of NCT of Delhi through Seva",
                        location="Delhi, India",
                    ),
                    signer=self._cms_signer(department),
                    timestamper=HTTPTimeStamper(self.settings.timestamp_url)
                    if self.settings.timestamp_url
                    else None,
                )
            return self._signers[department]

    def _cms_signer(self, department: str) -> signers.Signer:
        backend = self.settings.signing_backend
        if backend == "pkcs11":
            return self._pkcs11_signer(department)
        if backend not in ("dev", "pkcs12"):
            raise SigningError(f"SEVA_SIGNING_BACKEND={backend!r} is not one of dev, pkcs12, pkcs11")
        if backend == "dev":
            from certificates.dev_pki import ensure_department  # development only: make keys on demand

            ensure_department(self.settings, department)
        path = Path(self.settings.pkcs12_path.format(department=department))
        if not path.exists():
            raise SigningError(f"no signing certificate for {department}: {path} does not exist")
        passphrase = self.settings.pkcs12_passphrase
        signer = signers.SimpleSigner.load_pkcs12(
            str(path), passphrase=passphrase.encode() if passphrase else None
        )
        if signer is None:
            raise SigningError(
                f"cannot open {path}: wrong SEVA_SIGNING_PKCS12_PASSPHRASE or not a PKCS#12 file"
            )
        return CachedKeySigner.from_simple(signer)

    def _pkcs11_signer(self, department: str) -> signers.Signer:
        from pyhanko.config.pkcs11 import TokenCriteria  # needs python-pkcs11, only for this backend
        from pyhanko.sign import pkcs11

        settings = self.settings
        if not settings.pkcs11_module:
            raise SigningError(
                "SEVA_SIGNING_BACKEND=pkcs11 needs SEVA_PKCS11_MODULE (the token's .so library)"
            )
        if self._pkcs11_session is None:
            self._pkcs11_session = pkcs11.open_pkcs11_session(
                settings.pkcs11_module,
                token_criteria=TokenCriteria(label=settings.pkcs11_token_label),
                user_pin=settings.pkcs11_pin,
            )
        return pkcs11.PKCS11Signer(
            self._pkcs11_session,
            key_label=settings.pkcs11_key_label.format(department=department),
            cert_label=settings.pkcs11_cert_label.format(department=department),
            other_certs_to_pull=None,
        )


def reserved_size(pdf_signer: signers.PdfSigner) -> int:
    """Room for the CMS signature: its certificates, the signature and attributes, and a timestamp if any."""
    signer = pdf_signer.signer
    certificates = [signer.signing_cert, *signer.cert_registry]
    room = 2 * sum(len(c.dump()) for c in certificates) + 4096  # hex digits: two per byte
    # Reserving the room up front spares pyHanko a trial signature per document to measure it.
    return room + (_TIMESTAMP_ROOM if pdf_signer.default_timestamper else 0)


def sign_pdf(pdf: bytes, pdf_signer: signers.PdfSigner) -> bytes:
    """`pdf` with a PAdES signature added as an incremental update."""
    out = io.BytesIO()
    pdf_signer.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False),
        output=out,
        bytes_reserved=reserved_size(pdf_signer),
    )
    return out.getvalue()


def load_trust_roots(paths) -> list[asn1_x509.Certificate]:
    """The CA certificates in the PEM or DER files at `paths` (missing files are skipped)."""
    return list(load_certs_from_pemder([str(p) for p in paths if Path(p).exists()]))


@dataclass(frozen=True)
class PdfSignatureCheck:
    """What validating a PDF's signature found."""

    intact: bool  # the signed bytes are unchanged
    trusted: bool  # the signer's certificate chains to a trust root
    covers_whole_file: bool  # nothing was appended after signing
    signer: str
    problem: str  # empty when the signature is good

    @property
    def ok(self) -> bool:
        """Whether the signature is intact, trusted and covers the whole document."""
        return not self.problem


def check_pdf_signature(pdf: bytes, trust_roots: list[asn1_x509.Certificate]) -> PdfSignatureCheck:
    """Validate the PAdES signature of `pdf` against `trust_roots` (offline)."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = reader.embedded_signatures
    except Exception as exc:  # a PDF too damaged to parse cannot carry a valid signature
        return PdfSignatureCheck(False, False, False, "", f"the PDF cannot be read ({exc})")
    if not embedded:
        return PdfSignatureCheck(False, False, False, "", "the PDF carries no digital signature")
    context = ValidationContext(trust_roots=trust_roots, allow_fetching=False, revocation_mode="soft-fail")
    try:
        status = validate_pdf_signature(embedded[-1], context)
    except Exception as exc:  # malformed signature containers are a failed check, not a crash
        return PdfSignatureCheck(False, False, False, "", f"the PDF signature cannot be checked ({exc})")
    signer = status.signing_cert.subject.human_friendly if status.signing_cert else ""
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    if not status.intact:
        problem = "the PDF was changed after it was signed (its signed bytes no longer match the signature)"
    elif not status.valid:
        problem = "the PDF signature is not a valid signature of its contents"
    elif not status.trusted:
        problem = f"the PDF was signed by {signer or 'an unknown signer'}, who is not trusted here"
    elif not whole:
        problem = "content was added to the PDF after it was signed"
    else:
        problem = ""
    return PdfSignatureCheck(status.intact and status.valid, status.trusted, whole, signer, problem)
