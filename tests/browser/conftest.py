"""Browser tests: pytest-playwright driving Debian's Chromium against a real server.

The browser is ``/usr/bin/chromium`` from Debian, never one Playwright
downloads. Where it is missing the tests are skipped with the reason —
except under ``make test`` / scripts/test.sh (``KLIENTELA_TEST_STRICT``) and in
CI (``CI``), where scripts/test-deps.sh installs it, so a missing browser
there is a failure, not a silent skip.

One ``klientela serve`` subprocess on the session database serves every
test (``core.testing.server``); the administrator signs in once through the
login form and the other tests reuse that session (Playwright storage state).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from core.testing.fixtures import ADMIN_EMAIL, ADMIN_PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
HERE = Path(__file__).parent
# Flags from the field notes: a container without a GPU, a sandbox or much /dev/shm,
# and no background traffic that would show up as unexpected requests.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives Chromium through Playwright against a real server")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


# CI runs both engines' suites side by side on two cores, each with its own
# server and browser: an assertion may wait on a busy machine. Playwright's
# 5 s default leaves little room there; a real failure still fails, only later.
expect.set_options(timeout=15_000)


@pytest.fixture(scope="session", autouse=True)
def _chromium_present():
    if CHROMIUM.exists():
        return
    if os.environ.get("CI") or os.environ.get("KLIENTELA_TEST_STRICT"):
        pytest.fail(f"{CHROMIUM} is missing: scripts/test-deps.sh (run by scripts/test.sh and make test) should have installed Debian's chromium")
    pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) to run the browser tests")


# Playwright's sync API keeps its own event loop marked as running on this
# thread for as long as it lives, and pytest-asyncio cannot run a coroutine
# then. pytest-playwright holds Playwright for the whole session, which would
# break every async test collected after this folder; these overrides hold it
# for this package only, and start the server (async fixtures) before it.


@pytest.fixture(scope="package")
def playwright(server):
    pw = sync_playwright().start()
    yield pw
    pw.stop()


@pytest.fixture(scope="package")
def browser_type(playwright, browser_name):
    return getattr(playwright, browser_name)


@pytest.fixture(scope="package")
def browser_type_launch_args():
    return {"executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="package")
def launch_browser(browser_type_launch_args, browser_type):
    def launch(**kwargs):
        return browser_type.launch(**{**browser_type_launch_args, **kwargs})

    return launch


@pytest.fixture(scope="package")
def browser(launch_browser):
    browser = launch_browser()
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def base_url(server):  # noqa: F811 - pytest-playwright's base_url, pointed at the real server
    return server


@pytest.fixture(scope="package")
def browser_context_args(base_url):
    # A fixed locale so labels and formats do not follow the machine's.
    return {"base_url": base_url, "locale": "en-US"}


def sign_in(page, email: str = ADMIN_EMAIL, password: str = ADMIN_PASSWORD) -> None:
    """Sign in through the real login form (the page ends on the page after login)."""
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


@pytest.fixture(scope="package")
def admin_state(browser, browser_context_args, tmp_path_factory) -> str:
    """Storage state (cookies) of a session where the administrator signed in through the form."""
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    sign_in(page)
    assert page.locator(".account").is_visible(), "signing in did not reach a signed-in page"
    path = tmp_path_factory.mktemp("browser-state") / "admin.json"
    context.storage_state(path=str(path))
    context.close()
    return str(path)


@pytest.fixture
def admin_context(new_context, admin_state):
    return new_context(storage_state=admin_state)


@pytest.fixture
def admin_page(admin_context):
    """A page signed in as the administrator."""
    return admin_context.new_page()
