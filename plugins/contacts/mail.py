"""Reminder mail over SMTP (aiosmtplib), only when a mail server is configured."""

from __future__ import annotations

from email.message import EmailMessage

import aiosmtplib

from plugins.contacts.settings import ContactsSettings


def configured(settings: ContactsSettings) -> bool:
    return bool(settings.smtp_host)


async def send(settings: ContactsSettings, to: str, subject: str, body: str) -> None:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    await aiosmtplib.send(
        message, hostname=settings.smtp_host, port=settings.smtp_port,
        username=settings.smtp_username or None, password=settings.smtp_password or None,
        start_tls=settings.smtp_starttls, timeout=settings.smtp_timeout,
    )
