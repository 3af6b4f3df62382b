"""Flask commands: `flask audit verify` checks the audit chain; `flask seed` loads demo data."""

import sys

import click
from flask.cli import with_appcontext

from backoffice.audit.services import verify_chain

audit_cli = click.Group("audit", help="Check the audit log.")


@audit_cli.command("verify")
@with_appcontext
def verify_command() -> None:
    """Check every link of the hash chain and report the first broken one."""
    report = verify_chain()
    if report.intact:
        click.echo(f"audit log intact: {report.checked} entries checked")
        return
    click.echo(
        f"audit log BROKEN at entry {report.broken_id}: {report.reason} ({report.checked} entries before it are intact)",
        err=True,
    )
    sys.exit(1)


@click.command("seed")
@with_appcontext
def seed_command() -> None:
    """Create demo departments, users (passwords printed once) and applications."""
    from backoffice.demo.seed import seed_demo

    for line in seed_demo():
        click.echo(line)
