"""Shared pieces of the command line: settings, errors, running async code."""

from __future__ import annotations

import asyncio
from typing import NoReturn

import click
from pydantic import ValidationError

from core.settings import Settings


def die(message: str, code: int = 1) -> NoReturn:
    from core.i18n import _

    click.secho(_("error: {message}").format(message=message), fg="red", err=True)
    raise SystemExit(code)


def load_settings(**overrides) -> Settings:
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        die(f"invalid settings: {problems}")


def run(coro):
    return asyncio.run(coro)


def print_lines(lines: list[str]) -> None:
    for line in lines:
        click.echo(line)
