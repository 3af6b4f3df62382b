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


users_cli = click.Group("users", help="Manage back-office users from the server's shell.")


@users_cli.command("create")
@click.argument("username")
@click.option("--full-name", required=True)
@click.option("--role", required=True, help="admin, officer, approver, csc_operator, ...")
@click.option("--department", default=None, help="department code, for officers and approvers")
@with_appcontext
def create_user_command(username: str, full_name: str, role: str, department: str | None) -> None:
    """Create a user with the password read from stdin (the first admin, without any demo seed).

    The password never appears in the command line (shell history, `ps`) nor in any output:
    `flask users create admin --full-name "…" --role admin < /run/secrets/admin-password`.
    """
    from backoffice.audit.services import Actor
    from backoffice.extensions import db
    from backoffice.people import services as people
    from backoffice.people.passwords import weakness

    password = sys.stdin.readline().rstrip("\r\n")
    problem = weakness(password, username) if password else "No password on stdin."
    if problem:
        click.echo(f"refused: {problem}", err=True)
        sys.exit(1)
    try:
        user = people.create_user(username, full_name, role, department, password, Actor("system", "cli"))
    except people.UserRefused as refused:
        db.session.rollback()
        click.echo(f"refused: {refused}", err=True)
        sys.exit(1)
    # The operator chose this password at the console; there is no shown-once password to replace.
    user.must_change_password = False
    db.session.commit()
    click.echo(f"created {user.username} ({user.role})")
