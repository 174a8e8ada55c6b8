"""``klientela user`` and ``klientela token``: accounts and API tokens from the shell."""

from __future__ import annotations

import uuid

import click

from core.cli.common import die, load_settings, run


def _kernel():
    from core.db.bootstrap import bound_kernel

    return bound_kernel(load_settings())


@click.group()
def user() -> None:
    """Users: create, deactivate."""


@user.command("create")
@click.argument("email")
@click.option("--name", default="", help="Display name (default: the part before @).")
@click.option("--role", "roles", multiple=True, help="Role key; repeat for several (e.g. --role sales_manager).")
@click.option("--password", help="Initial password (default: a generated temporary one, printed once).")
def create(email: str, name: str, roles: tuple[str, ...], password: str | None) -> None:
    """Create a user. Without --password a temporary one is generated and must be changed at the first sign-in."""
    from core.auth.passwords import WeakPassword
    from core.auth.users import UserError, create_user

    kernel = _kernel()

    async def go():
        return await create_user(email, name=name, password=password, roles=list(roles), max_users=kernel.edition.max_users)

    try:
        created, used = run(go())
    except (UserError, WeakPassword) as exc:
        die(str(exc))
    click.echo(f"user {created.email} created" + (f" with roles {', '.join(sorted(roles))}" if roles else " (no roles)"))
    if password is None:
        click.echo(f"temporary password (shown once): {used}")


@user.command("deactivate")
@click.argument("email")
def deactivate(email: str) -> None:
    """Deactivate a user: they cannot sign in, their sessions end, their API tokens are revoked."""
    from core.auth.users import UserError, deactivate_user, user_by_email

    _kernel()

    async def go():
        found = await user_by_email(email)
        if found is None:
            raise UserError(f"no user with the email {email}")
        return await deactivate_user(found.id)

    try:
        ended = run(go())
    except UserError as exc:
        die(str(exc))
    click.echo(f"user {email.strip().lower()} deactivated; {ended} session(s) ended")


@click.group()
def token() -> None:
    """API tokens: create, revoke."""


@token.command("create")
@click.argument("email")
@click.argument("name")
@click.option("--permission", "permissions", multiple=True, help="Narrow the token to this permission; repeat for several.")
@click.option("--expires-in-days", type=int, help="Expire after this many days (default: never).")
def create_token_command(email: str, name: str, permissions: tuple[str, ...], expires_in_days: int | None) -> None:
    """Create an API token for a user; the token is printed once."""
    from core.auth.tokens import TokenError, create_token
    from core.auth.users import user_by_email

    kernel = _kernel()
    known = {p.name for p in kernel.permissions()}

    async def go():
        found = await user_by_email(email)
        if found is None:
            raise TokenError(f"no user with the email {email}")
        return await create_token(
            found.id, name, permissions=list(permissions) or None, expires_in_days=expires_in_days, known_permissions=known
        )

    try:
        row, secret = run(go())
    except TokenError as exc:
        die(str(exc))
    click.echo(f"token {row.id} created for {email.strip().lower()}")
    click.echo(f"token (shown once): {secret}")


@token.command("revoke")
@click.argument("token_id")
def revoke(token_id: str) -> None:
    """Revoke an API token by its id."""
    from core.auth.tokens import revoke_token

    try:
        parsed = uuid.UUID(token_id)
    except ValueError:
        die(f"{token_id!r} is not a token id")
    _kernel()
    if not run(revoke_token(parsed)):
        die(f"no live token with the id {token_id}")
    click.echo(f"token {token_id} revoked")


