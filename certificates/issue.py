"""Issues a signed paper: fills the template, signs the QR payload, lays out the PDF and PAdES-signs it."""

from dataclasses import dataclass
from threading import Lock

from certificates.layout import page_text, render_pdf
from certificates.qr_code import build_qr
from certificates.qr_keys import QrSigningKey, load_signing_key
from certificates.qr_payload import SignedClaims, qr_text, sign_claims
from certificates.settings import CertificateSettings
from certificates.signing import DepartmentSigners, sign_pdf
from certificates.template import CertificateFacts, CertificateTemplate, TemplateError, printed, valid_until

# Papers whose QR vouches for no one's name: an acknowledgement is signed before any officer has looked.
NAMELESS_KINDS = ("acknowledgement",)


@dataclass(frozen=True)
class IssuedCertificate:
    """A signed PDF with the claims its QR code vouches for."""

    pdf: bytes
    claims: SignedClaims
    qr_version: int


class Issuer:
    """Holds the keys and signers of every department so that issuing many papers stays fast."""

    def __init__(self, settings: CertificateSettings | None = None):
        self.settings = settings or CertificateSettings.from_env()
        self.signers = DepartmentSigners(self.settings)
        self._qr_keys: dict[str, QrSigningKey] = {}
        self._lock = Lock()

    def qr_key(self, department: str) -> QrSigningKey:
        """The Ed25519 QR key of `department` (made on demand with the development backend)."""
        with self._lock:
            if department not in self._qr_keys:
                if self.settings.signing_backend == "dev":
                    from certificates.dev_pki import ensure_department  # development only

                    ensure_department(self.settings, department)
                self._qr_keys[department] = load_signing_key(self.settings.qr_key_dir, department)
            return self._qr_keys[department]

    def claims(self, template: CertificateTemplate, facts: CertificateFacts) -> SignedClaims:
        """What the QR of this paper signs."""
        missing = [f for f in template.key_facts if f not in facts.answers]
        if missing:
            raise TemplateError(f"the QR needs '{missing[0]}' but the application has no such answer")
        return SignedClaims(
            number=facts.number,
            department=facts.department.code,
            kind=template.kind,
            service=facts.service,
            holder="" if template.kind in NAMELESS_KINDS else facts.holder_name,
            issued_at=facts.issued_at,
            expires_on=valid_until(template, facts),
            verify_url=self.settings.verify_url,
            facts={f: printed(facts.answers[f], facts.language) for f in template.key_facts},
        )

    def issue(self, template: CertificateTemplate, facts: CertificateFacts) -> IssuedCertificate:
        """Issue one signed paper."""
        claims = self.claims(template, facts)
        address, payload = qr_text(claims, sign_claims(claims, self.qr_key(claims.department)))
        qr = build_qr(address, payload)
        text = page_text(template, facts, claims.expires_on, claims.page_url)
        unsigned = render_pdf(
            text, qr, title=f"{template.title.en} {facts.number}", author=facts.department.name.en
        )
        signed = sign_pdf(unsigned, self.signers.pdf_signer(claims.department))
        return IssuedCertificate(signed, claims, qr.version)


def issue_certificate(facts: CertificateFacts, template: CertificateTemplate, issuer: Issuer) -> bytes:
    """The signed PDF of `facts` on `template`."""
    return issuer.issue(template, facts).pdf
