"""Development PKI: a local CA, a PAdES signing key and certificate per department, and QR keys.

Run `python -m certificates.dev_pki [department ...]`; `make run` does. Keys land under
`$SEVA_PKI_DIR` (default `var/pki/`, git-ignored). Existing keys are kept.
"""

import argparse
import datetime as dt
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from certificates.qr_keys import KEY_SUFFIX, create_signing_key, publish_keyset
from certificates.settings import CertificateSettings

_ORGANISATION = "Seva development PKI (not for production)"


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "IN"),
            x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "Delhi"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, _ORGANISATION),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_bytes(data)


def ensure_ca(pki_dir: Path) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """Load the development CA from `pki_dir`, creating it first if it is missing."""
    key_path, cert_path = pki_dir / "ca.key.pem", pki_dir / "ca.pem"
    if key_path.exists() and cert_path.exists():
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        return key, x509.load_pem_x509_certificate(cert_path.read_bytes())
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    now = dt.datetime.now(dt.UTC)
    name = _name("Seva Development Root CA")
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_private(key_path, key.private_bytes(*_pem_pkcs8()))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key, cert


def _pem_pkcs8():
    return serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()


def issue_department_certificate(
    ca_key: rsa.RSAPrivateKey, ca_cert: x509.Certificate, department: str, public_key
) -> x509.Certificate:
    """A two-year document-signing certificate for `department`'s `public_key`, issued by the dev CA."""
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(_name(f"{department} department, Government of NCT of Delhi"))
        .issuer_name(ca_cert.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=730))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )


def ensure_department(settings: CertificateSettings, department: str) -> None:
    """Create the PAdES key (PKCS#12) and the QR key of `department` unless they exist."""
    p12_path = Path(settings.pkcs12_path.format(department=department))
    if not p12_path.exists():
        ca_key, ca_cert = ensure_ca(settings.pki_dir)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        cert = issue_department_certificate(ca_key, ca_cert, department, key.public_key())
        passphrase = settings.pkcs12_passphrase
        encryption = (
            serialization.BestAvailableEncryption(passphrase.encode())
            if passphrase
            else serialization.NoEncryption()
        )
        _write_private(
            p12_path,
            pkcs12.serialize_key_and_certificates(department.encode(), key, cert, [ca_cert], encryption),
        )
    if not (settings.qr_key_dir / f"{department}{KEY_SUFFIX}").exists():
        create_signing_key(settings.qr_key_dir, department)
        publish_keyset(settings.qr_key_dir, settings.keyset_path)


def catalog_departments() -> list[str]:
    """The departments the service catalog names (keys for others are made when first needed)."""
    from catalog.loader import load_catalog  # the catalog is optional here: keys are also made on demand

    return sorted({service.department for service in load_catalog().values()})


def ensure_dev_pki(settings: CertificateSettings, departments) -> None:
    """Create the CA, every department's keys and the published QR keyset, keeping what exists."""
    ensure_ca(settings.pki_dir)
    for department in departments:
        ensure_department(settings, department)
    publish_keyset(settings.qr_key_dir, settings.keyset_path)


def main() -> None:
    """Command line: create the development PKI for the departments named (default: all)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("departments", nargs="*", help="default: every department in the catalog")
    args = parser.parse_args()
    settings = CertificateSettings.from_env()
    departments = args.departments or catalog_departments()
    ensure_dev_pki(settings, departments)
    print(f"development PKI ready in {settings.pki_dir} for: {', '.join(departments) or 'the CA only'}")


if __name__ == "__main__":
    main()
