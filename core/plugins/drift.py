"""Does the running app still match the instance's configuration?

``klientela plugin enable/disable`` edits the instance's TOML file; a running
server built its routes, menus and permissions from the file as it was at
start, and keeps serving that set until it is restarted (the routes of a
Litestar app are fixed when it is built). ``GET /health`` says so, so an
operator (or a deployment script) sees that a restart is due.

Only what changed *in the file* since the app started counts: a value the
app got from the environment or from its caller stays as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.settings import config_path, read_config_file

WATCHED = ("edition", "plugins_enable", "plugins_disable")


def _mtime(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


def _watched(path: Path) -> dict:
    try:
        values = read_config_file(path)
    except (OSError, ValueError):  # a half-edited or unreadable file: judge it on the next look
        return {}
    return {key: values.get(key) for key in WATCHED}


@dataclass
class ConfigSnapshot:
    """The watched keys of the instance file as the app read them at start."""

    path: Path
    mtime: int | None
    values: dict
    _checked: tuple[int | None, dict | None] = (None, None)

    @classmethod
    def take(cls) -> "ConfigSnapshot":
        path = config_path()
        return cls(path=path, mtime=_mtime(path), values=_watched(path))

    def difference(self, kernel) -> dict | None:
        """``None`` while the configuration gives the running set of plugins;
        else ``{"plugins_to_enable": [...], "plugins_to_disable": [...]}`` (one may be empty).

        Costs one ``stat`` while the file is unchanged; the answer for a changed
        file is kept until it changes again.
        """
        mtime = _mtime(self.path)
        if mtime == self.mtime:
            return None
        if self._checked[0] == mtime and mtime is not None:
            return self._checked[1]
        answer = self._compare(kernel)
        self._checked = (mtime, answer)
        return answer

    def _compare(self, kernel) -> dict | None:
        from core.editions.loader import load_edition

        now = _watched(self.path)
        changed = {key: now[key] for key in WATCHED if now.get(key) != self.values.get(key)}
        if not changed:
            return None
        settings = kernel.settings
        edition = changed.get("edition") or settings.edition
        enable = changed["plugins_enable"] if "plugins_enable" in changed else settings.plugins_enable
        disable = changed["plugins_disable"] if "plugins_disable" in changed else settings.plugins_disable
        try:
            configured = set(load_edition(edition).with_overrides(list(enable or []), list(disable or [])).plugins)
        except Exception as exc:  # a configuration that does not load is a difference too
            return {"plugins_to_enable": [], "plugins_to_disable": [], "error": f"{type(exc).__name__}: {exc}"}
        running = set(kernel.edition.plugins)
        if configured == running:
            return None
        return {"plugins_to_enable": sorted(configured - running), "plugins_to_disable": sorted(running - configured)}
