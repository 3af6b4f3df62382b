"""Ed25519 keys that sign QR payloads, each named by a key id, and the public keyset published for them."""

import base64
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

KEY_SUFFIX = ".ed25519.pem"


def key_id(public_key: Ed25519PublicKey) -> bytes:
    """The 8-byte key id of a public key: the start of the SHA-256 of its raw bytes (as the EU DCC does)."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).digest()[:8]


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class QrSigningKey:
    """A department's private Ed25519 key with its key id."""

    department: str
    private_key: Ed25519PrivateKey

    @property
    def kid(self) -> bytes:
        """The key id that goes into the COSE protected header."""
        return key_id(self.private_key.public_key())


def create_signing_key(key_dir: Path, department: str) -> QrSigningKey:
    """Generate a new Ed25519 key for `department` and save it (mode 0600) under `key_dir`."""
    key_dir.mkdir(parents=True, exist_ok=True)
    private_key = Ed25519PrivateKey.generate()
    path = key_dir / f"{department}{KEY_SUFFIX}"
    pem = private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.touch(mode=0o600)
    path.write_bytes(pem)
    return QrSigningKey(department, private_key)


def load_signing_key(key_dir: Path, department: str) -> QrSigningKey:
    """Load the Ed25519 key of `department` from `key_dir`, or raise FileNotFoundError."""
    pem = (key_dir / f"{department}{KEY_SUFFIX}").read_bytes()
    private_key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(private_key, Ed25519PrivateKey):
        raise ValueError(f"{department}{KEY_SUFFIX} is not an Ed25519 key")
    return QrSigningKey(department, private_key)


class PublicKeyset:
    """Public Ed25519 keys by key id, read from and written as a JWK Set (RFC 7517, RFC 8037)."""

    def __init__(self, keys: dict[bytes, tuple[str, Ed25519PublicKey]] | None = None):
        self._keys = dict(keys or {})

    def add(self, department: str, public_key: Ed25519PublicKey) -> None:
        """Publish `public_key` as a key of `department`."""
        self._keys[key_id(public_key)] = (department, public_key)

    def find(self, kid: bytes) -> tuple[str, Ed25519PublicKey] | None:
        """The (department, public key) for `kid`, or None when the key is unknown."""
        return self._keys.get(kid)

    def to_json(self) -> str:
        """The keyset as a JWK Set document."""
        keys = [
            {
                "kty": "OKP",
                "crv": "Ed25519",
                "alg": "EdDSA",
                "use": "sig",
                "kid": _b64url(kid),
                "x": _b64url(pk.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)),
                "department": department,
            }
            for kid, (department, pk) in sorted(self._keys.items())
        ]
        return json.dumps({"keys": keys}, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> "PublicKeyset":
        """Read a JWK Set document; keys that are not Ed25519 are ignored."""
        keyset = cls()
        for jwk in json.loads(text).get("keys", []):
            if jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519":
                keyset.add(jwk.get("department", ""), Ed25519PublicKey.from_public_bytes(_unb64url(jwk["x"])))
        return keyset

    @classmethod
    def load(cls, path: Path) -> "PublicKeyset":
        """Read the keyset file at `path`; a missing file is an empty keyset."""
        return cls.from_json(path.read_text()) if path.exists() else cls()


def publish_keyset(key_dir: Path, keyset_path: Path) -> PublicKeyset:
    """Add the public half of every key in `key_dir` to the keyset file, keeping keys already published."""
    keyset = PublicKeyset.load(keyset_path)
    for path in sorted(key_dir.glob(f"*{KEY_SUFFIX}")):
        key = load_signing_key(key_dir, path.name.removesuffix(KEY_SUFFIX))
        keyset.add(key.department, key.private_key.public_key())
    keyset_path.parent.mkdir(parents=True, exist_ok=True)
    keyset_path.write_text(keyset.to_json())
    return keyset
