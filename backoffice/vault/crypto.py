"""Keys and primitives of the Aadhaar vault, free of Flask so a migration can use them too.

A sealed number is `<key id>:<12-byte nonce><ciphertext+tag>` (AES-256-GCM); the key id and the caller's
associated data (the application and field it belongs to) are authenticated, so a sealed value copied to
another application fails to open. The lookup digest is HMAC-SHA256 under a separate key: equal numbers give
equal digests (duplicate checks, look-ups) while the digest alone, without the key, gives nothing away
(a plain hash of 10^11 possible numbers would be brute-forced in minutes).

Keys come from the environment:
- `SEVA_AADHAAR_KEYS`: `id:base64url 32-byte key`, comma separated, the first encrypts, all decrypt (rotation);
- `SEVA_AADHAAR_HMAC_KEY`: base64url, 32 bytes; never rotated without re-digesting every row.
Without them (development only) both are derived from SECRET_KEY. With a key-management service, keep
the keys wrapped by the KMS and have the container's entrypoint unwrap them into these variables
(docs/security.md, "Aadhaar vault").
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
DERIVED_KEY_ID = "sk"


class VaultKeyError(RuntimeError):
    """The vault's keys are missing or malformed."""


class UnsealableValue(ValueError):
    """A sealed value was tampered with, belongs elsewhere, or its key is not configured."""


def _b64(encoded: str) -> bytes:
    return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))


def _derive(secret: str, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret.encode())


@dataclass(frozen=True)
class VaultKeys:
    """Encryption keys by id (`current` seals) and the HMAC key."""

    keys: dict[str, bytes]
    current: str
    mac_key: bytes

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> VaultKeys:
        """Read `SEVA_AADHAAR_KEYS` and `SEVA_AADHAAR_HMAC_KEY`, else derive development keys from SECRET_KEY."""
        env = os.environ if env is None else env
        secret = env.get("SECRET_KEY", "")
        keys: dict[str, bytes] = {}
        if secret:
            keys[DERIVED_KEY_ID] = _derive(secret, b"seva aadhaar vault key")
        configured = [item.strip() for item in env.get("SEVA_AADHAAR_KEYS", "").split(",") if item.strip()]
        for item in configured:
            key_id, _, encoded = item.partition(":")
            try:
                key = _b64(encoded)
            except ValueError as exc:
                raise VaultKeyError(f"Aadhaar key {key_id!r} is not base64") from exc
            if not _KEY_ID.match(key_id) or len(key) != 32:
                raise VaultKeyError(f"Aadhaar key {key_id!r}: need id [A-Za-z0-9_-]{{1,16}} and 32 bytes")
            keys[key_id] = key
        if env.get("SEVA_AADHAAR_HMAC_KEY"):
            try:
                mac_key = _b64(env["SEVA_AADHAAR_HMAC_KEY"])
            except ValueError as exc:
                raise VaultKeyError("SEVA_AADHAAR_HMAC_KEY is not base64") from exc
            if len(mac_key) < 32:
                raise VaultKeyError("SEVA_AADHAAR_HMAC_KEY needs at least 32 bytes")
        elif secret:
            mac_key = _derive(secret, b"seva aadhaar lookup key")
        else:
            raise VaultKeyError(
                "set SEVA_AADHAAR_KEYS and SEVA_AADHAAR_HMAC_KEY (or SECRET_KEY in development)"
            )
        if not keys:
            raise VaultKeyError("set SEVA_AADHAAR_KEYS (id:base64 32-byte key, comma separated)")
        current = configured[0].partition(":")[0] if configured else DERIVED_KEY_ID
        return cls(keys, current, mac_key)

    @property
    def configured(self) -> bool:
        """True when real keys are set, not the development ones derived from SECRET_KEY."""
        return self.current != DERIVED_KEY_ID


def digest(keys: VaultKeys, digits: str) -> str:
    """The keyed lookup digest of a 12-digit number (hex)."""
    return hmac.new(keys.mac_key, digits.encode("ascii"), hashlib.sha256).hexdigest()


def seal(keys: VaultKeys, digits: str, associated: bytes) -> bytes:
    """Encrypt under the current key, bound to `associated`."""
    header = keys.current.encode("ascii") + b":"
    nonce = os.urandom(12)
    return (
        header + nonce + AESGCM(keys.keys[keys.current]).encrypt(nonce, digits.encode(), header + associated)
    )


def unseal(keys: VaultKeys, blob: bytes, associated: bytes) -> str:
    """Decrypt and authenticate; raises UnsealableValue on tampering, other associated data or an unknown key."""
    key_id, sep, body = bytes(blob).partition(b":")
    name = key_id.decode("ascii", errors="replace")
    if not sep or name not in keys.keys:
        raise UnsealableValue(f"key {name!r} is not configured")
    try:
        return AESGCM(keys.keys[name]).decrypt(body[:12], body[12:], key_id + b":" + associated).decode()
    except InvalidTag as exc:
        raise UnsealableValue("sealed value failed authentication") from exc


def new_key() -> str:
    """A fresh random 32-byte key, base64url, for SEVA_AADHAAR_KEYS or SEVA_AADHAAR_HMAC_KEY."""
    return base64.urlsafe_b64encode(AESGCM.generate_key(bit_length=256)).decode().rstrip("=")


def associated_data(application_id: int, field_id: str) -> bytes:
    """What a sealed number is bound to: its application and field."""
    return f"application:{application_id}:{field_id}".encode()
