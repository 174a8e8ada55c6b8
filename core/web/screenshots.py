"""PNG screenshots of the main screens, in light, dark and a phone viewport.

``klientela screenshots -o DIR`` builds a throwaway demo instance (SQLite in
a temp folder, corp edition, demo data), serves it with ``klientela serve`` in
a subprocess, signs in through the real login form in Debian's Chromium
(``/usr/bin/chromium``, driven by Playwright — never a downloaded browser) and
saves ``<screen>-<variant>.png`` for every screen and variant. With ``--url``
it photographs an instance that is already running instead.

Nothing here reaches the internet: the browser runs with background
networking off, and the app loads only its own assets.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import httpx

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]
DEMO_EMAIL = "admin@example.com"
DEMO_PASSWORD = "klientela-demo"
START_TIMEOUT = 90


@dataclass(frozen=True)
class Variant:
    name: str
    viewport: tuple[int, int]
    color_scheme: str = "light"
    mobile: bool = False


VARIANTS = {
    "light": Variant("light", (1280, 800)),
    "dark": Variant("dark", (1280, 800), color_scheme="dark"),
    "phone": Variant("phone", (390, 844), mobile=True),
}


def _first_record(page) -> str | None:
    """The first client's page, found from the list (demo ids are random)."""
    page.goto("/contacts/client/")
    link = page.locator('table a[href^="/contacts/client/"]').first
    return link.get_attribute("href") if link.count() else None


def _import_mapping(page) -> str | None:
    """The mapping screen of a workbook as an office saves it: a title row above a
    two-row header, Russian headers, a totals row, a second sheet."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Клиенты"
    sheet.append(["Выгрузка клиентов на 01.12.2026"])
    sheet.append([])
    sheet.append(["Наименование", "Вид", "Реквизиты", None, "Электронная почта"])
    sheet.merge_cells("C3:D3")
    sheet.append([None, None, "ИНН", "КПП", None])
    sheet.append(["ООО «Северный ветер»", "Компания", 7707083893.0, "770701001", "info@veter.example"])
    sheet.append(["ИП Орлова Анна", "Частное лицо", 500100732259.0, None, "orlova@example.com"])
    sheet.append(["Итого", None, None, None, None])
    book.create_sheet("Справочно").append(["не для загрузки"])
    path = Path(tempfile.mkdtemp()) / "клиенты.xlsx"
    book.save(path)
    page.goto("/import/contacts/client/")
    page.set_input_files("#file", str(path))
    page.locator('form[enctype="multipart/form-data"] button[type=submit]').click()
    page.wait_for_load_state("networkidle")
    return page.url if "/import/runs/" in page.url else None


# name -> a path, or a function of the page returning one (None: skip the screen).
SCREENS: dict[str, str | Callable] = {
    "login": "/login",
    "home": "/",
    "clients": "/contacts/client/",
    "client": _first_record,
    "client-new": "/contacts/client/new",
    "contacts": "/contacts/contact/",
    "task-new": "/contacts/task/new",  # reference pickers: client, contact person, responsible
    "tasks": "/contacts/tasks/",
    "calendar": "/contacts/calendar/",
    "board": "/contacts/client/board",
    "map": "/contacts/map/",
    "deals": "/sales/deal/",
    "deal-board": "/sales/deal/board",
    "funnel": "/sales/funnel/",
    "products": "/sales/product/",
    "price-analysis": "/sales/prices/analysis",
    "import": "/import/contacts/client/",
    "import-mapping": _import_mapping,  # sheet and header row guessed, matching, what a row that matches does
    "notifications": "/notifications",
    "jobs": "/jobs/",
    "users": "/admin/users",
    "role": "/admin/roles/sales_manager",
}


class ScreenshotError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _prepare_demo(settings) -> None:
    from core.auth.users import ensure_admin
    from core.db.bootstrap import bound_kernel, migrate_instance
    from core.db.engine import close_pool, get_engine
    from core.demo import load_demo_data
    from core.permissions.roles import sync_builtin_roles

    await migrate_instance(settings)
    kernel = bound_kernel(settings)
    await sync_builtin_roles(kernel)
    await ensure_admin(DEMO_EMAIL, DEMO_PASSWORD, kernel.edition.max_users)
    await load_demo_data(settings)
    await close_pool(get_engine(settings))


def prepare_demo_instance(folder: Path, theme: str = "default") -> Path:
    """A demo instance in ``folder`` (its own SQLite file); returns its instance file.

    Runs in a child process: the engine of a process is chosen once (Piccolo
    caches it per table), and the caller may already have one.
    """
    config = folder / "klientela.toml"
    database = f"sqlite:///{folder / 'demo.sqlite3'}"
    config.write_text(
        f'edition = "corp"\ndatabase_url = "{database}"\ntheme = "{theme}"\n'
        f'secret_key = "screenshots-{os.getpid()}-{time.time_ns()}"\ncookie_secure = false\njobs_in_process = false\n',
        encoding="utf-8",
    )
    env = {**os.environ, "KLIENTELA_CONFIG": str(config), "KLIENTELA_DATA_DIR": str(folder)}
    code = "from core.settings import Settings; import asyncio; from core.web.screenshots import _prepare_demo; asyncio.run(_prepare_demo(Settings()))"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise ScreenshotError(f"the demo instance could not be prepared:\n{done.stderr[-3000:]}")
    return config


@contextmanager
def serving(config: Path, folder: Path) -> Iterator[str]:
    """``klientela serve`` on a free port for the instance file ``config``; yields its URL."""
    port = free_port()
    env = {**os.environ, "KLIENTELA_CONFIG": str(config), "KLIENTELA_DATA_DIR": str(folder)}
    log = (folder / "server.log").open("w+", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "core.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
                            env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise ScreenshotError(f"the demo server did not start:\n{log.read()[-3000:]}")
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def capture(base_url: str, out: Path, *, email: str, password: str, screens: list[str], variants: list[str],
            language: str = "en", report: Callable[[str], None] = print) -> list[Path]:
    """Sign in, then save ``<screen>-<variant>.png`` in ``out`` for each screen and variant."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # an extra (pip install -e ".[test]"), not a core dependency
        raise ScreenshotError("Playwright is not installed: pip install -e '.[test]'") from None
    if not CHROMIUM.exists():
        raise ScreenshotError(f"{CHROMIUM} is missing: apt-get install -y chromium (never a downloaded browser)")
    unknown = sorted(set(screens) - set(SCREENS)) + sorted(set(variants) - set(VARIANTS))
    if unknown:
        raise ScreenshotError(f"unknown screen or variant: {', '.join(unknown)} (screens: {', '.join(SCREENS)}; variants: {', '.join(VARIANTS)})")
    out.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    locale = {"en": "en-US", "ru": "ru-RU"}.get(language, language)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for variant_name in variants:
                variant = VARIANTS[variant_name]
                context = browser.new_context(
                    base_url=base_url, locale=locale, color_scheme=variant.color_scheme,
                    viewport={"width": variant.viewport[0], "height": variant.viewport[1]},
                    is_mobile=variant.mobile, has_touch=variant.mobile,
                )
                page = context.new_page()
                if "login" in screens:
                    page.goto("/login")
                    saved.append(_shoot(page, out, "login", variant_name, report))
                _sign_in(page, email, password)
                for screen in screens:
                    if screen == "login":
                        continue
                    target = SCREENS[screen]
                    path = target(page) if callable(target) else target
                    if not path:
                        report(f"skipped {screen}: nothing to show")
                        continue
                    page.goto(path)
                    saved.append(_shoot(page, out, screen, variant_name, report))
                context.close()
        finally:
            browser.close()
    return saved


def _sign_in(page, email: str, password: str) -> None:
    page.goto("/login")
    page.fill('input[name="email"]', email)
    page.fill('input[name="password"]', password)
    with page.expect_navigation():
        page.click('form.login button[type="submit"]')
    if page.url.rstrip("/").endswith("/login"):
        raise ScreenshotError(f"could not sign in as {email}")


def _shoot(page, out: Path, screen: str, variant: str, report) -> Path:
    page.wait_for_load_state("networkidle")
    path = out / f"{screen}-{variant}.png"
    page.screenshot(path=str(path), full_page=True)
    report(f"saved {path}")
    return path


def screenshots(out: Path, *, url: str | None = None, email: str | None = None, password: str | None = None,
                screens: list[str] | None = None, variants: list[str] | None = None, theme: str = "default",
                language: str = "en", report: Callable[[str], None] = print) -> list[Path]:
    screens = screens or list(SCREENS)
    variants = variants or list(VARIANTS)
    if url:
        if not (email and password):
            raise ScreenshotError("--url needs --email and --password of a user to sign in as")
        return capture(url, out, email=email, password=password, screens=screens, variants=variants, language=language, report=report)
    with tempfile.TemporaryDirectory(prefix="klientela-shots-") as tmp:
        folder = Path(tmp)
        report("preparing a demo instance…")
        config = prepare_demo_instance(folder, theme)
        with serving(config, folder) as base:
            return capture(base, out, email=DEMO_EMAIL, password=DEMO_PASSWORD, screens=screens, variants=variants,
                           language=language, report=report)


__all__ = ["screenshots", "SCREENS", "VARIANTS", "ScreenshotError"]
