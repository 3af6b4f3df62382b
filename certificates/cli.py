"""The `certificates` command group (`flask certificates ...` once registered, or `python -m certificates.cli`)."""

import sys
from pathlib import Path

import click

from certificates.issue import Issuer
from certificates.qr_keys import KEY_SUFFIX, PublicKeyset, create_signing_key, publish_keyset
from certificates.settings import CertificateSettings
from certificates.signing import load_trust_roots
from certificates.template import IST, CertificateTemplate
from certificates.verify import verify_file

# Facts worth signing into a sample's QR, when the service has them.
SAMPLE_KEY_FACTS = ("annual_income", "category", "date_of_birth")


@click.group("certificates")
def certificates_cli() -> None:
    """Issue, verify and manage signed certificates."""


@certificates_cli.command("verify")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--keyset", type=click.Path(path_type=Path), help="JWK Set of QR keys (default: SEVA_QR_KEYSET)"
)
@click.option(
    "--trust", "trust", multiple=True, type=click.Path(path_type=Path), help="trusted CA certificate"
)
def verify_command(file: Path, keyset: Path | None, trust: tuple[Path, ...]) -> None:
    """Verify a certificate PDF or a photo of its QR code, offline; exit 1 if it must not be trusted."""
    settings = CertificateSettings.from_env()
    report = verify_file(
        file,
        PublicKeyset.load(keyset or settings.keyset_path),
        load_trust_roots(trust or settings.trust_roots),
    )
    if report.pdf_signature and not report.pdf_signature.problem:
        click.echo(f"PDF signature: intact, trusted, signed by {report.pdf_signature.signer}")
    if report.claims:
        c = report.claims
        click.echo(f"QR signature: valid ({c.department})")
        click.echo(f"  number:   {c.number}\n  {c.kind}: {c.service}\n  holder:   {c.holder}")
        for key, value in c.facts.items():
            click.echo(f"  {key}: {value}")
        issued = c.issued_at.astimezone(IST).date()
        click.echo(
            f"  issued:   {issued:%d-%m-%Y}\n  expires:  {c.expires_on or 'never'}\n  page:     {c.page_url}"
        )
    for problem in report.problems:
        click.echo(f"NOT VERIFIED: {problem}", err=True)
    if not report.ok:
        sys.exit(1)
    click.echo("VERIFIED")


@certificates_cli.command("issue-sample")
@click.option("--service", "service_id", default="income_certificate", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--number", default="SEVA-DEMO-000001", show_default=True)
def issue_sample_command(service_id: str, out: Path, number: str) -> None:
    """Issue a signed sample for a demo application of a catalog service."""
    from catalog.loader import load_catalog
    from certificates.samples import sample_facts

    catalog = load_catalog()
    if service_id not in catalog:
        raise click.BadParameter(f"no service {service_id!r} in the catalog", param_hint="--service")
    service = catalog[service_id]
    key_facts = tuple(f for f in SAMPLE_KEY_FACTS if service.field(f))[:1]
    issued = Issuer().issue(
        CertificateTemplate.from_service(service, key_facts), sample_facts(service, number)
    )
    out.write_bytes(issued.pdf)
    click.echo(
        f"{out}: {len(issued.pdf)} bytes, QR version {issued.qr_version}, page {issued.claims.page_url}"
    )


@certificates_cli.command("publish-keyset")
def publish_keyset_command() -> None:
    """Write the public QR keys of every department key to the keyset file (keeping retired keys)."""
    settings = CertificateSettings.from_env()
    keyset = publish_keyset(settings.qr_key_dir, settings.keyset_path)
    click.echo(f"{settings.keyset_path}: {len(keyset.to_json().splitlines())} lines")


@certificates_cli.command("create-qr-key")
@click.argument("department")
def create_qr_key_command(department: str) -> None:
    """Make DEPARTMENT's Ed25519 QR key (production: once, on the key host) and publish its public half."""
    settings = CertificateSettings.from_env()
    if (settings.qr_key_dir / f"{department}{KEY_SUFFIX}").exists():
        click.echo(f"{department} already has a QR key; papers signed with it must keep verifying", err=True)
        sys.exit(1)
    create_signing_key(settings.qr_key_dir, department)
    publish_keyset(settings.qr_key_dir, settings.keyset_path)
    click.echo(f"QR key for {department} in {settings.qr_key_dir}; public keyset {settings.keyset_path}")


if __name__ == "__main__":
    certificates_cli()
