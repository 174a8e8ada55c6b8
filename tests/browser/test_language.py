"""Switching to Russian in Chromium: the UI speaks Russian, writes dates and
numbers the Russian way, and the choice persists (cookie, then the account)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.helpers import CLIENTS, Api, csrf_token, marker


def new_user(admin_page) -> tuple[str, str]:
    """A sales manager created by the administrator through the users screen (temporary password)."""
    email, temporary = f"{marker()}@klientela-tests.example", f"temp-{marker()}"
    admin_page.goto("/admin/users")
    response = admin_page.request.post("/admin/users", form={
        "email": email, "name": "Лариса", "password": temporary, "roles": "sales_manager", "_csrf": csrf_token(admin_page)})
    assert response.ok, response.text()[:500]
    return email, temporary


def test_switching_to_russian_shows_russian_and_persists(new_context, admin_page):
    email, temporary = new_user(admin_page)
    context = new_context()  # an en-US browser
    page = context.new_page()
    page.goto("/login")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()

    # Anonymous: the shell's switch (the cookie) turns the sign-in page Russian.
    page.get_by_role("button", name="Русский").click()
    expect(page.get_by_role("heading", name="Войти")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    assert page.url.endswith("/login")

    # Sign in with the Russian labels; the forced password change is in Russian too.
    page.get_by_label("Почта").fill(email)
    page.get_by_label("Пароль").fill(temporary)
    with page.expect_navigation():
        page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("heading", name="Смените пароль")).to_be_visible()
    new_password = f"own-{marker()}"
    page.get_by_label("Текущий пароль").fill(temporary)
    page.get_by_label("Новый пароль (не менее 8 символов)").fill(new_password)
    page.get_by_label("Новый пароль ещё раз").fill(new_password)
    with page.expect_navigation():
        page.get_by_role("button", name="Сохранить новый пароль").click()

    # Signed in: the menu, labels and a record's dates and numbers are Russian.
    page.goto(f"{CLIENTS}/")
    expect(page.get_by_role("heading", name="Клиенты")).to_be_visible()
    expect(page.get_by_role("navigation", name="Главное меню").get_by_role("link", name="Главная")).to_be_visible()
    name = f"Ромашка {marker()}"
    record = Api(page).create(CLIENTS, name=name, kind="company", birthday="2026-11-02", latitude="55.7558")
    page.goto(f"{CLIENTS}/{record['id']}")
    main = page.locator("main")
    expect(main).to_contain_text("02.11.2026")  # not 2026-11-02 or 11/2/26
    expect(main).to_contain_text("55,7558")  # a decimal comma
    expect(main).to_contain_text("День рождения / основания")

    # Switched while signed in: saved on the account, so another browser with no
    # cookie and an English Accept-Language still gets Russian.
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(main).to_contain_text("11/2/26")
    page.get_by_role("button", name="Русский").click()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    assert re.search(rf"{CLIENTS}/{record['id']}$", page.url), page.url  # back on the same page
    context.close()

    other = new_context()
    fresh = other.new_page()
    fresh.goto("/login")
    expect(fresh.get_by_role("heading", name="Sign in")).to_be_visible()  # no cookie yet: the browser's English
    fresh.get_by_label("Email").fill(email)
    fresh.get_by_label("Password").fill(new_password)
    with fresh.expect_navigation():
        fresh.get_by_role("button", name="Sign in").click()
    expect(fresh.locator("html")).to_have_attribute("lang", "ru")
    fresh.goto(f"{CLIENTS}/{record['id']}")
    expect(fresh.locator("main")).to_contain_text("02.11.2026")
    other.close()
