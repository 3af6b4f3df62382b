"""The signed QR payload, modelled on the EU DCC: CWT claims in COSE_Sign1 (Ed25519), zlib, Base45, a prefix."""

import zlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import quote, unquote

import base45
import cbor2
from cryptography.exceptions import InvalidSignature

from certificates.qr_keys import PublicKeyset, QrSigningKey
from certificates.template import IST

PREFIX = "SEVA1:"
URL_PARAMETER = "?p="
# COSE (RFC 9052) and CWT (RFC 8392) labels; -65537 is the first private-use claim.
_ALG, _KID, _EDDSA, _COSE_SIGN1_TAG = 1, 4, -8, 18
_ISS, _EXP, _IAT, _SEVA = 1, 4, 6, -65537
_KIND, _SERVICE, _HOLDER, _FACTS = 1, 2, 3, 4
KINDS = {"certificate": 1, "receipt": 2, "acknowledgement": 3, "licence": 4}


class PayloadError(ValueError):
    """A QR payload that cannot be trusted; the message says why."""


@dataclass(frozen=True)
class SignedClaims:
    """What the QR vouches for: the certificate number, holder, key facts, dates and where to verify."""

    number: str
    department: str
    kind: str  # certificate, receipt or acknowledgement
    service: str
    holder: str
    issued_at: datetime
    expires_on: date | None
    verify_url: str
    facts: dict[str, str] = field(default_factory=dict)

    @property
    def page_url(self) -> str:
        """The public verification page of this certificate."""
        return f"{self.verify_url}{self.number}"

    @property
    def qr_address(self) -> str:
        """The page address as the QR carries it: upper case, so that it fits QR alphanumeric mode."""
        return self.page_url.upper()


def _expiry_timestamp(expires_on: date) -> int:
    # Valid through the whole last day in Delhi, so it expires at the following midnight IST.
    return int(datetime.combine(expires_on + timedelta(days=1), time(), IST).timestamp())


def encode_claims(claims: SignedClaims) -> bytes:
    """The claims as a compact CBOR map with integer labels; the number travels in the signed address."""
    seva = {_KIND: KINDS[claims.kind], _SERVICE: claims.service, _HOLDER: claims.holder}
    if claims.facts:
        seva[_FACTS] = claims.facts
    cwt = {
        _ISS: claims.department,
        _IAT: int(claims.issued_at.timestamp()),
        _SEVA: seva,
    }
    if claims.expires_on is not None:
        cwt[_EXP] = _expiry_timestamp(claims.expires_on)
    return cbor2.dumps(cwt)


def decode_claims(data: bytes, verify_url: str, number: str) -> SignedClaims:
    """Claims back from their CBOR map and the signed address (`verify_url` + `number`)."""
    cwt = cbor2.loads(data)
    seva = cwt[_SEVA]
    exp = cwt.get(_EXP)
    return SignedClaims(
        number=number,
        department=cwt[_ISS],
        kind={code: name for name, code in KINDS.items()}[seva[_KIND]],
        service=seva[_SERVICE],
        holder=seva[_HOLDER],
        issued_at=datetime.fromtimestamp(cwt[_IAT], UTC),
        expires_on=None if exp is None else datetime.fromtimestamp(exp - 1, IST).date(),
        verify_url=verify_url,
        facts=dict(seva.get(_FACTS, {})),
    )


def _sig_structure(protected: bytes, payload: bytes, page_url: str) -> bytes:
    # The page address (base + certificate number) is signed as COSE external data rather than
    # carried twice: the QR holds it in front of the payload, and every byte grows the QR. It is
    # signed upper-cased, as the QR carries it; scheme, host and our paths ignore case.
    return cbor2.dumps(["Signature1", protected, page_url.upper().encode(), payload])


def sign_claims(claims: SignedClaims, key: QrSigningKey) -> str:
    """The payload text: prefix + Base45(zlib(COSE_Sign1(claims)))."""
    protected = cbor2.dumps({_ALG: _EDDSA, _KID: key.kid})
    payload = encode_claims(claims)
    signature = key.private_key.sign(_sig_structure(protected, payload, claims.page_url))
    cose = cbor2.dumps(cbor2.CBORTag(_COSE_SIGN1_TAG, [protected, {}, payload, signature]))
    # As in the EU DCC, readers recognise zlib by its header; short payloads are kept raw when
    # compressing would only add zlib's six bytes of framing.
    compressed = zlib.compress(cose, 9)
    return PREFIX + base45.b45encode(min(compressed, cose, key=len)).decode()


def verify_payload(text: str, page_url: str, keyset: PublicKeyset) -> SignedClaims:
    """Check the payload's Ed25519 signature (bound to `page_url`) against `keyset`, or raise PayloadError."""
    if not text.startswith(PREFIX):
        raise PayloadError(f"the QR code is not a Seva payload (it does not start with {PREFIX})")
    try:
        raw = base45.b45decode(text[len(PREFIX) :])
        cose = cbor2.loads(zlib.decompress(raw) if raw[:1] == b"\x78" else raw)
        protected_bytes, _unprotected, payload, signature = cose.value
        protected = cbor2.loads(protected_bytes)
    except Exception as exc:  # any decoding failure means a damaged or forged payload
        raise PayloadError(f"the QR payload is damaged and cannot be decoded ({type(exc).__name__})") from exc
    if protected.get(_ALG) != _EDDSA:
        raise PayloadError("the QR payload is not signed with Ed25519")
    kid = protected.get(_KID, b"")
    found = keyset.find(kid)
    if found is None:
        raise PayloadError(f"the QR payload is signed with an unknown key (key id {kid.hex()})")
    department, public_key = found
    try:
        public_key.verify(signature, _sig_structure(protected_bytes, payload, page_url))
    except InvalidSignature:
        raise PayloadError(
            f"the QR payload's signature does not match its contents and address {page_url}"
        ) from None
    verify_url, _, number = page_url.rpartition("/")
    claims = decode_claims(payload, verify_url.lower() + "/", number.upper())
    if department and claims.department != department:
        raise PayloadError(f"the QR payload claims {claims.department} but is signed with a {department} key")
    return claims


def qr_text(claims: SignedClaims, payload: str) -> tuple[str, str]:
    """What the QR holds around `URL_PARAMETER`: the page address and the URL-escaped payload."""
    # Base45's space, % and + would change meaning in a query; escaped they stay in the alphanumeric set.
    return claims.qr_address, quote(payload, safe="$*-./:")


def split_qr_text(text: str) -> tuple[str, str]:
    """The page address and the payload inside a scanned QR text, or raise PayloadError."""
    address, separator, escaped = text.partition(URL_PARAMETER)
    if not separator or "/" not in address.rstrip("/"):
        raise PayloadError("the QR code does not hold a Seva verification address with a payload")
    return address, unquote(escaped)


def full_qr_text(address: str, escaped_payload: str) -> str:
    """The whole text of the QR code, as a scanner reads it."""
    return address + URL_PARAMETER + escaped_payload


def verify_qr_text(text: str, keyset: PublicKeyset) -> SignedClaims:
    """Verify a scanned QR text: the payload's signature over its claims and the page address."""
    page_url, payload = split_qr_text(text)
    return verify_payload(payload, page_url, keyset)
