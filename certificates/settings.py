"""Certificate settings read from the environment, with safe development defaults."""

import os
from dataclasses import dataclass
from pathlib import Path


def _home() -> Path:
    return Path(os.environ.get("SEVA_HOME", Path(__file__).resolve().parent.parent))


@dataclass(frozen=True)
class CertificateSettings:
    """Where keys live, which signing backend to use, and the public verification address."""

    pki_dir: Path
    signing_backend: str  # "dev" (local CA, keys made on demand), "pkcs12" or "pkcs11"
    pkcs12_path: str  # may hold "{department}"
    pkcs12_passphrase: str | None
    pkcs11_module: str | None
    pkcs11_token_label: str | None
    pkcs11_pin: str | None
    pkcs11_key_label: str  # may hold "{department}"
    pkcs11_cert_label: str  # may hold "{department}"
    timestamp_url: str | None
    trust_roots: tuple[Path, ...]
    qr_key_dir: Path
    keyset_path: Path
    verify_url: str

    @classmethod
    def from_env(cls, env: dict | None = None) -> "CertificateSettings":
        """Build the settings from `env` (default: `os.environ`)."""
        env = os.environ if env is None else env
        pki = Path(env.get("SEVA_PKI_DIR", _home() / "var" / "pki"))
        qr_dir = Path(env.get("SEVA_QR_KEY_DIR", pki / "qr"))
        roots = env.get("SEVA_TRUST_ROOTS", str(pki / "ca.pem"))
        return cls(
            pki_dir=pki,
            signing_backend=env.get("SEVA_SIGNING_BACKEND", "dev"),
            pkcs12_path=env.get("SEVA_SIGNING_PKCS12", str(pki / "departments" / "{department}.p12")),
            pkcs12_passphrase=env.get("SEVA_SIGNING_PKCS12_PASSPHRASE") or None,
            pkcs11_module=env.get("SEVA_PKCS11_MODULE") or None,
            pkcs11_token_label=env.get("SEVA_PKCS11_TOKEN_LABEL") or None,
            pkcs11_pin=env.get("SEVA_PKCS11_PIN") or None,
            pkcs11_key_label=env.get("SEVA_PKCS11_KEY_LABEL", "seva-{department}"),
            pkcs11_cert_label=env.get("SEVA_PKCS11_CERT_LABEL", "seva-{department}"),
            timestamp_url=env.get("SEVA_SIGNING_TSA_URL") or None,
            trust_roots=tuple(Path(p) for p in roots.split(os.pathsep) if p),
            qr_key_dir=qr_dir,
            keyset_path=Path(env.get("SEVA_QR_KEYSET", qr_dir / "keyset.json")),
            verify_url=env.get("SEVA_VERIFY_URL", "http://127.0.0.1:5000/verify/"),
        )
