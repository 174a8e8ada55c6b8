"""``klientela notify EMAIL TITLE``: tell a user something from the shell (operators, scripts)."""

from __future__ import annotations

import click

from core.cli.common import die, load_settings, run


@click.command("notify")
@click.argument("email")
@click.argument("title")
@click.option("--body", default="", help="Plain text shown under the title.")
@click.option("--url", default="", help="A path on this site the notification opens (/contacts/client/...).")
@click.option("--kind", default="info", help="A short lower-case tag (info, reminder, job...).")
def notify_command(email: str, title: str, body: str, url: str, kind: str) -> None:
    """Send a notification to the user with this email; it shows live on their open pages."""
    from core.auth.tables import User
    from core.db.bootstrap import bound_kernel
    from core.notifications.api import NotificationError, notify

    bound_kernel(load_settings())

    async def go():
        row = await User.select(User.id).where(User.email == email.strip().lower()).first()
        if row is None:
            raise NotificationError(f"no user has the email {email}")
        return await notify(row["id"], title, body, url, kind)

    try:
        nid = run(go())
    except NotificationError as exc:
        die(str(exc))
    click.echo(f"notification {nid} sent to {email}")
