"""Encrypts stored documents with AES-256-GCM under a key id, so keys can be rotated.

A stored blob is `<key id>:<12-byte nonce><ciphertext+tag>`. The key id and the caller's associated
data (e.g. the document id) are authenticated, so a blob moved to another document, or with its
header edited, fails to decrypt instead of yielding wrong content.
"""

import base64
import os
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
# The key derived from SECRET_KEY when no document keys are configured (development).
DERIVED_KEY_ID = "sk"


class KeyConfigError(RuntimeError):
    """SEVA_DOCUMENT_KEYS (or SECRET_KEY) is missing or malformed."""


class UndecryptableDocument(ValueError):
    """The blob was tampered with, belongs to other associated data, or its key is not configured."""


@dataclass(frozen=True)
class Keyring:
    """Document keys by id; `current` encrypts, every key decrypts."""

    keys: dict[str, bytes]
    current: str

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> "Keyring":
        """Build from SEVA_DOCUMENT_KEYS="id:base64key,..." (first is current), else derive one from SECRET_KEY."""
        env = os.environ if environ is None else environ
        keys: dict[str, bytes] = {}
        secret = env.get("SECRET_KEY")
        if secret:
            # Kept as a decrypt-only key once real keys exist, so documents stored before then still open.
            hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"seva document key")
            keys[DERIVED_KEY_ID] = hkdf.derive(secret.encode())
        configured = [item.strip() for item in env.get("SEVA_DOCUMENT_KEYS", "").split(",") if item.strip()]
        for item in configured:
            key_id, _, encoded = item.partition(":")
            try:
                key = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
            except ValueError as exc:
                raise KeyConfigError(f"document key {key_id!r} is not base64") from exc
            if not _KEY_ID.match(key_id) or len(key) != 32:
                raise KeyConfigError(f"document key {key_id!r}: need id [A-Za-z0-9_-]{{1,16}} and 32 bytes")
            keys[key_id] = key
        if configured:
            return cls(keys, configured[0].partition(":")[0])
        if not keys:
            raise KeyConfigError(
                "set SEVA_DOCUMENT_KEYS (id:base64 32-byte key, comma separated) or SECRET_KEY"
            )
        return cls(keys, DERIVED_KEY_ID)


def new_key() -> str:
    """A fresh random key, base64url, for SEVA_DOCUMENT_KEYS."""
    return base64.urlsafe_b64encode(AESGCM.generate_key(bit_length=256)).decode().rstrip("=")


def key_id_of(blob: bytes) -> str:
    """The id of the key that encrypted `blob`."""
    key_id, sep, _ = blob.partition(b":")
    if not sep or not _KEY_ID.match(key_id.decode("ascii", errors="replace")):
        raise UndecryptableDocument("not an encrypted document")
    return key_id.decode("ascii")


def encrypt(plaintext: bytes, keyring: Keyring, associated: bytes = b"") -> bytes:
    """Encrypt under the current key; `associated` (e.g. the document id) must be given again to decrypt."""
    header = keyring.current.encode("ascii") + b":"
    nonce = os.urandom(12)
    return (
        header + nonce + AESGCM(keyring.keys[keyring.current]).encrypt(nonce, plaintext, header + associated)
    )


def decrypt(blob: bytes, keyring: Keyring, associated: bytes = b"") -> bytes:
    """Decrypt and authenticate `blob`; raises UndecryptableDocument on any tampering or unknown key."""
    key_id = key_id_of(blob)
    if key_id not in keyring.keys:
        raise UndecryptableDocument(f"key {key_id!r} is not configured")
    header = key_id.encode("ascii") + b":"
    body = blob[len(header) :]
    try:
        return AESGCM(keyring.keys[key_id]).decrypt(body[:12], body[12:], header + associated)
    except InvalidTag as exc:
        raise UndecryptableDocument("document failed authentication") from exc


def rotate(blob: bytes, keyring: Keyring, associated: bytes = b"") -> bytes:
    """Re-encrypt `blob` under the current key; returns it unchanged when it already uses that key."""
    if key_id_of(blob) == keyring.current:
        return blob
    return encrypt(decrypt(blob, keyring, associated), keyring, associated)
