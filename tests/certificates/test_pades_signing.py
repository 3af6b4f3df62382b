"""The PAdES signature: pyHanko and its command line see it intact and trusted; tampering and strangers fail."""

import dataclasses
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from certificates.dev_pki import ensure_ca, ensure_dev_pki, issue_department_certificate
from certificates.issue import Issuer
from certificates.signing import check_pdf_signature, load_trust_roots

ROOT = Path(__file__).resolve().parents[2]
SOFTHSM = "/usr/lib/softhsm/libsofthsm2.so"


def test_pyhanko_finds_the_signature_intact_and_trusted_by_the_dev_ca(issued, settings):
    check = check_pdf_signature(issued.pdf, load_trust_roots(settings.trust_roots))
    assert (check.intact, check.trusted, check.covers_whole_file, check.problem) == (True, True, True, "")
    assert "revenue department" in check.signer


def test_the_pyhanko_command_line_validates_it(pdf_path, settings):
    result = subprocess.run(
        [str(ROOT / ".venv/bin/pyhanko"), "sign", "validate", "--no-revocation-check", "--trust-replace",
         "--trust", str(settings.pki_dir / "ca.pem"), "--pretty-print", str(pdf_path)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    for verdict in ("The signer's certificate is trusted.", "The signature is cryptographically sound.",
                    "The signature covers the entire file.", "The signature is judged VALID."):  # fmt: skip
        assert verdict in result.stdout


def test_a_changed_byte_breaks_the_signature(issued, settings):
    position = issued.pdf.index(b"DL-REV-2026-000042")  # the title in the signed document information
    forged = issued.pdf[:position] + b"DL-REV-2026-000043" + issued.pdf[position + 18 :]
    check = check_pdf_signature(forged, load_trust_roots(settings.trust_roots))
    assert not check.intact
    assert "changed after it was signed" in check.problem


def test_a_signer_outside_the_trust_roots_is_not_trusted(issued, tmp_path):
    ensure_ca(tmp_path)  # another CA, which never issued the revenue department's certificate
    check = check_pdf_signature(issued.pdf, load_trust_roots([tmp_path / "ca.pem"]))
    assert check.intact and not check.trusted
    assert "not trusted" in check.problem


def test_a_pdf_signed_with_a_pkcs12_passphrase_verifies(tmp_path, income_template, facts):
    settings = dataclasses.replace(
        _settings_in(tmp_path), signing_backend="pkcs12", pkcs12_passphrase="correct horse battery"
    )
    ensure_dev_pki(settings, ["revenue"])
    pdf = Issuer(settings).issue(income_template, facts).pdf
    assert check_pdf_signature(pdf, load_trust_roots(settings.trust_roots)).problem == ""


def _settings_in(directory: Path):
    from certificates.settings import CertificateSettings

    return CertificateSettings.from_env({"SEVA_PKI_DIR": str(directory)})


@pytest.mark.skipif(
    not (shutil.which("softhsm2-util") and Path(SOFTHSM).exists()), reason="softhsm2 not installed"
)
def test_a_key_on_a_pkcs11_token_signs(tmp_path, monkeypatch, income_template, facts):
    import pkcs11
    from pkcs11 import Attribute, CertificateType, ObjectClass

    tokens = tmp_path / "tokens"
    tokens.mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\n")
    monkeypatch.setenv("SOFTHSM2_CONF", str(conf))
    subprocess.run(
        ["softhsm2-util", "--init-token", "--free", "--label", "seva", "--pin", "1234", "--so-pin", "5678"],
        check=True, capture_output=True,
    )  # fmt: skip
    # A DSC token holds the key and its certificate; put a dev-CA-issued pair on the soft token.
    base = _settings_in(tmp_path / "pki")
    ca_key, ca_cert = ensure_ca(base.pki_dir)
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = issue_department_certificate(ca_key, ca_cert, "revenue", key.public_key())
    key_file = tmp_path / "revenue.key.pem"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    subprocess.run(
        ["softhsm2-util", "--import", str(key_file), "--token", "seva", "--label", "seva-revenue",
         "--id", "01", "--pin", "1234"],
        check=True, capture_output=True,
    )  # fmt: skip
    token = pkcs11.lib(SOFTHSM).get_token(token_label="seva")
    with token.open(rw=True, user_pin="1234") as session:
        session.create_object(
            {
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True,
                Attribute.LABEL: "seva-revenue",
                Attribute.ID: b"\x01",
                Attribute.SUBJECT: cert.subject.public_bytes(),
                Attribute.VALUE: cert.public_bytes(serialization.Encoding.DER),
            }
        )
    settings = dataclasses.replace(
        base,
        signing_backend="pkcs11",
        pkcs11_module=SOFTHSM,
        pkcs11_token_label="seva",
        pkcs11_pin="1234",
        qr_key_dir=tmp_path / "qr",
    )
    from certificates.qr_keys import create_signing_key

    create_signing_key(settings.qr_key_dir, "revenue")
    pdf = Issuer(settings).issue(income_template, facts).pdf
    check = check_pdf_signature(pdf, load_trust_roots(settings.trust_roots))
    assert check.problem == ""
    assert "revenue department" in check.signer


def test_a_pdf_reader_sees_the_whole_document_signed_and_a_forgery_as_changed(pdf_path, issued, tmp_path):
    def pdfsig(path) -> str:
        return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=True).stdout

    report = pdfsig(pdf_path)  # poppler, the engine of many Linux PDF readers
    assert "Signature Validation: Signature is Valid." in report
    assert "Total document signed" in report and "ETSI.CAdES.detached" in report
    position = issued.pdf.index(b"DL-REV-2026-000042")
    forged = tmp_path / "forged.pdf"
    forged.write_bytes(issued.pdf[:position] + b"DL-REV-2026-000099" + issued.pdf[position + 18 :])
    assert "Signature Validation: Digest Mismatch." in pdfsig(forged)
