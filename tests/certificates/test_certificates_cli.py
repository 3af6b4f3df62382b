"""The `certificates` commands: issue a sample from the catalog, verify it, and refuse a forgery with the reason."""

import pytest
from click.testing import CliRunner

from certificates.cli import certificates_cli


@pytest.fixture
def run(pki_env, settings, monkeypatch):
    for name, value in pki_env.items():
        monkeypatch.setenv(name, value)
    runner = CliRunner()
    return lambda *args: runner.invoke(certificates_cli, list(map(str, args)))


def test_a_sample_is_issued_from_the_catalog_and_verifies(run, tmp_path):
    out = tmp_path / "sample.pdf"
    issued = run("issue-sample", "--service", "income_certificate", "--out", out)
    assert issued.exit_code == 0, issued.output
    assert "QR version" in issued.output
    verified = run("verify", out)
    assert verified.exit_code == 0, verified.output
    assert "PDF signature: intact, trusted" in verified.output
    assert "annual_income: " in verified.output and verified.output.rstrip().endswith("VERIFIED")


def test_a_forged_pdf_fails_with_the_reason(run, issued, tmp_path):
    position = issued.pdf.index(b"DL-REV-2026-000042")
    path = tmp_path / "forged.pdf"
    path.write_bytes(issued.pdf[:position] + b"DL-REV-2026-000099" + issued.pdf[position + 18 :])
    result = run("verify", path)
    assert result.exit_code == 1
    assert "NOT VERIFIED: the PDF was changed after it was signed" in result.output


def test_an_unknown_service_is_refused_by_name(run, tmp_path):
    result = run("issue-sample", "--service", "moon_landing_permit", "--out", tmp_path / "x.pdf")
    assert result.exit_code == 2 and "no service 'moon_landing_permit' in the catalog" in result.output


def test_a_production_qr_key_is_made_once_and_published(tmp_path, monkeypatch):
    monkeypatch.setenv("SEVA_PKI_DIR", str(tmp_path / "pki"))
    runner = CliRunner()
    made = runner.invoke(certificates_cli, ["create-qr-key", "transport"])
    assert made.exit_code == 0, made.output
    keys = (tmp_path / "pki" / "qr" / "keyset.json").read_text()
    assert '"department": "transport"' in keys or '"department":"transport"' in keys
    again = runner.invoke(certificates_cli, ["create-qr-key", "transport"])
    assert again.exit_code == 1 and "already has a QR key" in again.output
