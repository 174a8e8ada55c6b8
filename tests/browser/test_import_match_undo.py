"""Chromium: import an XLSX, see the dry run's matches (and the ambiguous row with its candidate,
named), import, undo the run — the new client goes, the updated one gets its name back.

The browser tests' server runs no job worker (it shares the session database with every
suite), so a one-shot ``klientela worker --once`` on the same database works the queued
import as a real deployment's worker would.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import openpyxl
from playwright.sync_api import expect

from tests.browser.helpers import CLIENTS, Api, axe_violations, describe, marker, use_axe


def work_jobs(database_url: str, folder) -> None:
    from core.testing.fixtures import EXTRA_PLUGINS

    config = folder / "worker.toml"
    enable = ", ".join(f'"{name}"' for name in EXTRA_PLUGINS)
    config.write_text(f'edition = "corp"\ndatabase_url = "{database_url}"\nplugins_enable = [{enable}]\n', encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "core.cli", "worker", "--once"], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "KLIENTELA_CONFIG": str(config)})
    assert done.returncode == 0, done.stdout + done.stderr


def workbook(path, m: str):
    """A workbook as an office saves it: numbers where text is meant (a phone as a float)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Клиенты"
    sheet.append(["Наименование", "Эл. почта", "Телефон"])
    sheet.append([f"{m} Ромашка обновлённая", f"{m}-romashka@example.com", None])  # same e-mail: an update
    sheet.append([f"{m} Новая фирма", f"{m}-new@example.com", 79161234567.0])  # nothing matches: created
    sheet.append([f"{m} Лютик", f"{m}-other@example.com", None])  # only the name matches: ambiguous
    book.save(path)
    return path


def accessible_in_both_schemes(page) -> None:
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        found = axe_violations(page)
        assert found == [], f"{scheme}: {describe(found)}"
    page.emulate_media(color_scheme="light")


def wait_done(page):
    expect(page.locator("#import-status[data-status=done]")).to_be_visible(timeout=30_000)


def test_import_see_the_matches_import_and_undo(admin_context, accounts, tmp_path):
    use_axe(admin_context)
    page, m = admin_context.new_page(), marker()
    api = Api(page)
    api.create(CLIENTS, name=f"{m} Ромашка", email=f"{m}-romashka@example.com")
    api.create(CLIENTS, name=f"{m} Лютик", email=f"{m}-lutik@example.com")
    path = workbook(tmp_path / "clients.xlsx", m)

    page.goto("/import/contacts/client/")
    page.get_by_label("File").set_input_files(str(path))
    page.get_by_role("button", name="Upload").click()
    expect(page).to_have_url(re.compile(r"/import/runs/[0-9a-f-]+$"))
    mapping_url = page.url
    expect(page.get_by_label("update the record")).to_be_checked()  # the default on a match
    accessible_in_both_schemes(page)
    page.get_by_role("button", name="Dry run").click()
    work_jobs(accounts.database_url, tmp_path)
    wait_done(page)
    status = page.locator("#import-status")
    expect(status.locator('[data-count="updated"]')).to_have_text("1")
    expect(status.locator('[data-count="created"]')).to_have_text("1")
    expect(status.locator('[data-count="ambiguous"]')).to_have_text("1")
    ambiguous = page.locator("#ambiguous")
    expect(ambiguous).to_contain_text(f"{m} Лютик")  # the candidate, by name
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", ambiguous.inner_text())  # never an id
    expect(page.locator("#undo-import")).to_have_count(0)  # a dry run changed nothing
    page.set_viewport_size({"width": 390, "height": 844})
    accessible_in_both_schemes(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the ambiguous rows fit a phone
    page.set_viewport_size({"width": 1280, "height": 800})

    page.get_by_role("link", name="Back to the mapping, to import").click()
    expect(page).to_have_url(mapping_url)
    page.get_by_role("button", name="Import", exact=True).click()
    work_jobs(accounts.database_url, tmp_path)
    wait_done(page)
    expect(page.locator('#import-status [data-count="updated"]')).to_have_text("1")
    expect(page.locator("#undo-import")).to_be_visible()
    accessible_in_both_schemes(page)
    page.goto(f"{CLIENTS}/?q={m}")
    expect(page.locator("#entity-rows tbody tr")).to_have_count(3)
    expect(page.locator("#entity-rows")).to_contain_text(f"{m} Ромашка обновлённая")

    page.go_back()
    wait_done(page)
    page.locator("#undo-import").click()
    expect(page.locator("main")).to_contain_text("Import undone")
    expect(page.locator("#undo-import")).to_have_count(0)
    page.goto(f"{CLIENTS}/?q={m}")
    expect(page.locator("#entity-rows tbody tr")).to_have_count(2)
    names = page.locator("#entity-rows tbody tr td:nth-child(2) a").all_inner_texts()
    assert sorted(names) == [f"{m} Лютик", f"{m} Ромашка"]
