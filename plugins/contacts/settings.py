"""Settings of the contacts plugin: ``KLIENTELA_CONTACTS_*`` environment variables.

Kept apart from core's settings (which refuse unknown keys): the reminder
mail server and the map's tile and geocoder URLs. With no SMTP host,
reminders are in-app only; with no tile URL, the map shows markers on a
blank background (it runs offline).
"""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class ContactsSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KLIENTELA_CONTACTS_", extra="ignore")

    smtp_host: str = ""
    smtp_port: int = 587
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    smtp_timeout: float = 10.0
    mail_from: str = "klientela@localhost"
    # The map: a tile URL template ("https://tile.example/{z}/{x}/{y}.png") and its attribution.
    map_tile_url: str = ""
    map_attribution: str = ""
    # A Nominatim-compatible search URL for geocoding addresses ("" = off).
    geocoder_url: str = ""
    # How far ahead the reminder job looks for planned work (days).
    reminder_horizon_days: int = 7


def contacts_settings() -> ContactsSettings:
    return ContactsSettings()
