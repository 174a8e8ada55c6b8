"""Theming by override alone: the contrast theme replaces two shell partials and
the sign-in page; everything else still comes from the default theme and core."""

from __future__ import annotations

import pytest

from core.testing.clients import serving
from core.testing.fixtures import ADMIN_EMAIL, ADMIN_PASSWORD

PAGES = ["/", "/contacts/client/", "/contacts/client/new", "/admin/users", "/admin/roles", "/jobs/", "/account/password"]


async def test_the_contrast_theme_overrides_its_templates_and_colours(app_factory):
    async with serving(app_factory(theme="contrast")) as c:
        login = await c.get("/login", headers={"Accept-Language": "en"})
        assert login.status_code == 200
        html = login.text
        assert '<link rel="stylesheet" href="/static/theme.css">' in html  # the default's rules first
        assert '<link rel="stylesheet" href="/static/contrast/contrast.css">' in html  # then its colours
        assert 'src="/static/contrast/logo.svg"' in html  # its brand partial
        assert 'class="login-intro"' in html and "high-contrast theme" in html  # its own sign-in page
        assert 'name="_csrf"' in html and 'name="password"' in html  # still the working form
        css = await c.get("/static/contrast/contrast.css")
        assert css.status_code == 200 and "--fg: #000000" in css.text
        default_css = await c.get("/static/theme.css")
        assert default_css.status_code == 200 and "--accent: #1f5fbf" in default_css.text
        ru = await c.get("/login", headers={"Accept-Language": "ru"})
        assert "контрастн" in ru.text  # the theme's own message, from its own catalog


async def test_every_other_page_still_renders_under_the_contrast_theme(app_factory):
    async with serving(app_factory(theme="contrast"), login=(ADMIN_EMAIL, ADMIN_PASSWORD)) as c:
        for path in PAGES:
            page = await c.get(path)
            assert page.status_code == 200, (path, page.status_code)
            assert "/static/contrast/contrast.css" in page.text and 'src="/static/contrast/logo.svg"' in page.text, path


async def test_the_default_theme_has_none_of_it(anonymous):
    html = (await anonymous.get("/login")).text
    assert "contrast" not in html and 'class="login-intro"' not in html
    assert '<a class="brand" href="/">Klientela</a>' in html


def test_an_unknown_theme_is_a_clear_error(app_factory):
    with pytest.raises(ValueError, match="theme 'nope' not found"):
        app_factory(theme="nope")


def test_a_theme_catalog_wins_over_core(tmp_path):
    """Catalog precedence follows the template chain: a theme may reword core's messages."""
    from core.i18n.catalogs import CORE_LOCALE, load, po_path

    theme_locale = tmp_path / "locale"
    path = po_path(theme_locale, "ru")
    path.parent.mkdir(parents=True)
    path.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\\n"\n\n'
        'msgid "Sign in"\nmsgstr "Вход в систему"\n',
        encoding="utf-8",
    )
    assert load([CORE_LOCALE])["ru"].gettext("Sign in") == "Войти"
    merged = load([CORE_LOCALE, theme_locale])["ru"]
    assert merged.gettext("Sign in") == "Вход в систему"
    assert merged.gettext("Save") == "Сохранить"  # the rest still from core
