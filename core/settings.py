"""Typed settings: ``KLIENTELA_*`` environment variables over a TOML file.

Precedence (highest first): explicit keyword arguments, environment variables,
the instance's TOML file (``<data_dir>/klientela.toml`` or ``KLIENTELA_CONFIG``),
defaults. The TOML file is what ``klientela init`` writes and what
``klientela plugin enable/disable`` edits, so an instance's state is a file an
integrator can read and version.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import Field, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

ENV_PREFIX = "KLIENTELA_"
REPO_ROOT = Path(__file__).resolve().parent.parent


def default_data_dir() -> Path:
    return Path(os.environ.get(f"{ENV_PREFIX}DATA_DIR", "data")).resolve()


def config_path() -> Path:
    explicit = os.environ.get(f"{ENV_PREFIX}CONFIG")
    if explicit:
        return Path(explicit).resolve()
    return default_data_dir() / "klientela.toml"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="forbid")

    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str = ""
    edition: str = "corp"
    # Per-instance deviations from the edition, edited by `klientela plugin`.
    plugins_enable: list[str] = Field(default_factory=list)
    plugins_disable: list[str] = Field(default_factory=list)
    theme: str = "default"
    # The language of a visitor whose browser asks for none we have, and of jobs
    # started by a user who never chose one ("en" or "ru"; docs/i18n.md).
    language: str = "en"
    # The time zone times are shown and typed in for a user who chose none, and
    # for jobs they start: an IANA name like "Europe/Moscow" (docs/i18n.md).
    # Stored times stay UTC whatever this says.
    timezone: str = "UTC"
    # Where theme folders live; an integrator may keep client themes elsewhere.
    themes_dir: Path = REPO_ROOT / "themes"
    # Signs the known-device cookie (login throttling). ``klientela init``
    # writes a random one; when empty, no signed cookie is issued or trusted.
    secret_key: str = ""
    # Session cookie: Secure unless an instance runs on plain http (a dev box).
    cookie_secure: bool = True
    # A session ends after this much inactivity, and at the latest this long after login.
    session_idle_minutes: int = Field(default=480, ge=1)
    session_max_hours: int = Field(default=24 * 14, ge=1)
    # Addresses (or CIDR networks) of reverse proxies whose X-Forwarded-For is
    # believed. Default: none, so the client address is the TCP peer.
    trusted_proxies: list[str] = Field(default_factory=list)
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    debug: bool = False
    # Where npm put the front-end packages (package.json + lockfile at the root).
    node_modules: Path = REPO_ROOT / "node_modules"
    db_pool_min: int = 1
    db_pool_max: int = 10
    # Background jobs (docs/jobs.md). On SQLite the web app runs a worker in
    # its own process unless jobs_in_process is off; PostgreSQL always uses
    # `klientela worker` processes (procrastinate), whatever this says.
    jobs_in_process: bool = True
    jobs_concurrency: int = Field(default=2, ge=1)
    jobs_poll_seconds: float = Field(default=1.0, gt=0)
    # Processes validating the rows of a large import (docs/import-export.md):
    # unset is one per CPU but one, 0 validates in the importing process itself.
    import_workers: int | None = Field(default=None, ge=0)
    # A running job's worker writes a heartbeat this often; a job whose
    # heartbeat is older than jobs_stale_seconds lost its worker and is retried.
    jobs_heartbeat_seconds: float = Field(default=5.0, gt=0)
    jobs_stale_seconds: float = Field(default=60.0, gt=0)
    # Uploads (core.uploads, docs/documents.md): the size cap of any uploaded
    # file, and what a zip-based file (docx, xlsx, odt, ods) may unpack to.
    upload_max_mb: int = Field(default=512, ge=1)
    upload_unzipped_max_mb: int = Field(default=4096, ge=1)
    upload_zip_max_ratio: int = Field(default=250, ge=2)
    upload_zip_max_entries: int = Field(default=10_000, ge=1)
    # Document templates (core.documents) are small; a tighter cap of their own.
    document_template_max_mb: int = Field(default=20, ge=1)
    # A TrueType font with Cyrillic for envelopes and labels; empty: DejaVu Sans
    # from the system (Debian: fonts-dejavu-core). LibreOffice (soffice) for
    # PDF from templates is found on PATH unless document_soffice names it.
    document_font: str = ""
    document_soffice: str = ""

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        from core.i18n import LANGUAGES

        if value not in LANGUAGES:
            raise ValueError(f"language must be one of {', '.join(LANGUAGES)} (got {value!r})")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        from core.i18n.timezones import TimezoneError, checked_timezone

        try:
            return checked_timezone(value)
        except TimezoneError as exc:
            raise ValueError(str(exc)) from None

    @field_validator("database_url")
    @classmethod
    def _known_scheme(cls, value: str) -> str:
        if value and not value.startswith(("sqlite:///", "postgresql://", "postgres://")):
            raise ValueError(
                "database_url must start with sqlite:/// or postgresql:// "
                f"(got {value.split(':', 1)[0]!r})"
            )
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls, toml_file=config_path())
        return (init_settings, env_settings, toml)

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'klientela.sqlite3'}"

    @property
    def is_postgres(self) -> bool:
        return self.resolved_database_url.startswith(("postgresql://", "postgres://"))


def read_config_file(path: Path | None = None) -> dict[str, Any]:
    import tomllib

    path = path or config_path()
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        return tomllib.load(fh)


def write_config_file(values: dict[str, Any], path: Path | None = None) -> Path:
    """Write the instance TOML file atomically (a crash never leaves half a file)."""
    path = path or config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".toml.tmp")
    clean = {k: (str(v) if isinstance(v, Path) else v) for k, v in values.items() if v is not None}
    tmp.write_bytes(tomli_w.dumps(clean).encode())
    os.replace(tmp, path)
    return path


def update_config_file(**changes: Any) -> Path:
    values = read_config_file()
    values.update(changes)
    return write_config_file(values)
