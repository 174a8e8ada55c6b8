"""Russian and English: catalogs, the request's language, the switch, formatting."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from core.i18n import use_locale
from core.i18n.catalogs import core_catalogs
from core.i18n.extract import missing_translations, packages
from core.i18n.formatting import format_date, format_datetime, format_money, format_number
from core.i18n.negotiate import COOKIE, choose, from_header
from core.settings import REPO_ROOT

NBSP = "\u00a0"


# -- catalogs ----------------------------------------------------------------------


@pytest.mark.parametrize("package", packages(REPO_ROOT), ids=lambda p: p.name)
def test_every_message_of_the_sources_has_a_russian_translation(package):
    """Extracts from the templates and code as they are now (not from the .pot),
    so a string wrapped in _() but not translated fails here; fix with
    ``klientela i18n extract`` and the package's ru .po file."""
    missing = missing_translations(package, "ru")
    assert not missing, f"{package.name}: {len(missing)} untranslated, e.g. {missing[:5]}"


def test_russian_catalog_has_three_plural_forms_with_the_russian_rule():
    ru = core_catalogs()["ru"]
    header = ru.info()["plural-forms"]
    assert "nplurals=3" in header
    # 1 → one, 2–4 → few, 5–20 → many; 11–14 are "many", 21 is "one" again.
    expected = {1: 0, 2: 1, 4: 1, 5: 2, 11: 2, 12: 2, 14: 2, 20: 2, 21: 0, 22: 1, 25: 2, 101: 0, 111: 2}
    assert {n: ru.plural(n) for n in expected} == expected


def test_a_plural_message_takes_each_russian_form():
    ru = core_catalogs()["ru"]
    forms = {n: ru.ngettext("%(num)d seat in this edition", "%(num)d seats in this edition", n) % {"num": n} for n in (1, 3, 5, 21)}
    assert forms == {1: "1 место в этой редакции", 3: "3 места в этой редакции", 5: "5 мест в этой редакции", 21: "21 место в этой редакции"}
    en = core_catalogs()["en"]
    assert en.ngettext("%(num)d seat in this edition", "%(num)d seats in this edition", 1) % {"num": 1} == "1 seat in this edition"


def test_python_messages_follow_the_current_language():
    from core.i18n import _

    with use_locale("ru"):
        assert _("This field is required.") == "Это поле обязательно."
    with use_locale("en"):
        assert _("This field is required.") == "This field is required."
    # Unknown to every catalog: the English text, never an empty string.
    with use_locale("ru"):
        assert _("A message nobody translated") == "A message nobody translated"


# -- formatting --------------------------------------------------------------------


def test_numbers_dates_and_money_are_written_per_locale():
    assert format_number(Decimal("1234567.5"), "ru") == f"1{NBSP}234{NBSP}567,5"
    assert format_number(Decimal("1234567.5"), "en") == "1,234,567.5"
    assert format_number(Decimal("55.755826"), "ru") == "55,755826"  # never rounded
    assert format_money("1234.5", locale="ru") == f"1{NBSP}234,50"
    assert format_money("1234.5", "RUB", locale="ru") == f"1{NBSP}234,50{NBSP}₽"
    assert format_money("1234.5", "USD", locale="en") == "$1,234.50"
    assert format_date(date(2026, 11, 22), locale="ru") == "22 нояб. 2026\u202fг."  # CLDR: a narrow no-break space
    assert format_date(date(2026, 11, 22), locale="en") == "Nov 22, 2026"
    assert format_date(date(2026, 11, 22), "short", locale="ru") == "22.11.2026"
    when = datetime(2026, 11, 22, 14, 5, tzinfo=timezone.utc)
    assert format_datetime(when, "short", locale="ru") == "22.11.2026, 14:05"
    assert format_datetime(when, "short", locale="en").startswith("11/22/26")
    with use_locale("ru"):
        assert format_number(1000) == f"1{NBSP}000"  # the current language when none is given


def test_a_bad_number_is_a_clear_error():
    with pytest.raises(ValueError, match="not a number"):
        format_number("12abc", "ru")


# -- negotiation -------------------------------------------------------------------


def test_language_is_chosen_by_user_then_cookie_then_browser_then_default():
    assert from_header("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7") == "ru"
    assert from_header("de-DE,de;q=0.9,en;q=0.5") == "en"
    assert from_header("en;q=0.2, ru;q=0.8") == "ru"
    assert from_header("ru;q=0, en") == "en"
    assert from_header("de, fr") is None
    assert from_header("") is None
    assert choose(user="en", cookie="ru", header="ru") == "en"
    assert choose(user="", cookie="ru", header="en") == "ru"
    assert choose(user="", cookie="xx", header="ru-RU") == "ru"
    assert choose(header="de", default="ru") == "ru"
    assert choose() == "en"


# -- over HTTP ---------------------------------------------------------------------


async def test_anonymous_page_follows_accept_language(anonymous):
    page = await anonymous.get("/login", headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"})
    assert '<html lang="ru">' in page.text and "Войти" in page.text
    page = await anonymous.get("/login", headers={"Accept-Language": "en-GB"})
    assert '<html lang="en">' in page.text and "Sign in" in page.text and "Войти" not in page.text


async def test_instance_default_applies_when_the_browser_asks_for_nothing_we_have(app_factory):
    from core.testing.clients import serving

    async with serving(app_factory(language="ru")) as c:
        page = await c.get("/login", headers={"Accept-Language": "de"})
    assert '<html lang="ru">' in page.text


async def test_the_switch_sets_a_cookie_and_refuses_unknown_languages(anonymous):
    refused = await anonymous.post("/language", data={"lang": "xx", "next": "/login"})
    assert refused.status_code == 400 and "xx" in refused.text and COOKIE not in refused.headers.get("set-cookie", "")
    done = await anonymous.post("/language", data={"lang": "ru", "next": "/login?next=/contacts/"})
    assert done.status_code == 303 and done.headers["location"] == "/login?next=/contacts/"
    assert f"{COOKIE}=ru" in done.headers["set-cookie"]
    page = await anonymous.get("/login", headers={"Accept-Language": "en"})
    assert '<html lang="ru">' in page.text  # the switch beats the browser
    # The switch shows the other language(s), labelled in their own language.
    assert re.search(r'<button type="submit" name="lang" value="en" lang="en">English</button>', page.text)
    # next never leaves the site.
    away = await anonymous.post("/language", data={"lang": "en", "next": "https://evil.example/"})
    assert away.headers["location"] == "/"


async def test_a_user_choice_is_saved_on_the_account_and_follows_them(make_user, client_as):
    from core.auth.tables import User

    user = await make_user()
    async with client_as(user) as c:
        assert '<html lang="en">' in (await c.get("/", headers={"Accept-Language": "en"})).text
        response = await c.post("/language", data={"lang": "ru", "next": "/"})
        assert response.status_code == 303
    assert (await User.select(User.language).where(User.id == user.id).first())["language"] == "ru"
    # Another browser (no cookie) asking for English still gets the user's Russian.
    async with client_as(user) as other:
        other.cookies.delete(COOKIE)
        page = await other.get("/", headers={"Accept-Language": "en"})
        assert '<html lang="ru">' in page.text and "Главная" in page.text
        # Validation messages raised in Python come back in Russian too.
        form = await other.post("/contacts/client/", data={"name": "", "kind": "company"}, headers={"Accept-Language": "en"})
        assert form.status_code in (403, 404, 422)
        if form.status_code == 422:
            assert "Это поле обязательно." in form.text


async def test_a_user_switch_without_the_csrf_token_is_refused(make_user, client_as):
    from core.auth.tables import User

    user = await make_user()
    async with client_as(user) as c:
        c.headers.pop("X-CSRF-Token")
        refused = await c.post("/language", data={"lang": "ru"})
        assert refused.status_code == 403
    assert (await User.select(User.language).where(User.id == user.id).first())["language"] == ""


async def test_entity_labels_and_validation_follow_the_language(client):
    headers = {"Accept-Language": "ru"}
    # The shared administrator keeps no saved choice (other tests rely on English):
    # the browser's language applies.
    listing = await client.get("/contacts/client/", headers=headers)
    assert listing.status_code == 200 and '<html lang="ru">' in listing.text
    assert "Клиенты" in listing.text
    form = await client.post("/contacts/client/", data={"name": "", "kind": "company"}, headers=headers)
    assert form.status_code == 422 and "Это поле обязательно." in form.text and "Исправьте отмеченные поля." in form.text
    english = await client.post("/contacts/client/", data={"name": "", "kind": "company"}, headers={"Accept-Language": "en"})
    assert "This field is required." in english.text


async def test_an_unknown_path_answers_in_the_visitor_language(anonymous):
    page = await anonymous.get("/no/such/page", headers={"Accept-Language": "ru"})
    assert page.status_code == 404 and '<html lang="ru">' in page.text and "Не найдено" in page.text


async def test_list_cells_write_dates_and_numbers_per_locale():
    from core.entities.spec import Field
    from core.entities.values import display

    when = datetime(2026, 11, 22, 14, 5, tzinfo=timezone.utc)
    assert display(Field(name="at", type="datetime", label={"en": "At"}), when, {}, "ru")["text"] == "22.11.2026, 14:05"
    assert display(Field(name="d", type="date", label={"en": "D"}), date(2026, 11, 2), {}, "ru")["text"] == "02.11.2026"
    assert display(Field(name="m", type="money", label={"en": "M"}), Decimal("1234.5"), {}, "ru")["text"] == f"1{NBSP}234,50"
    assert display(Field(name="m", type="money", label={"en": "M"}), Decimal("1234.5"), {}, "en")["text"] == "1,234.50"
    assert display(Field(name="n", type="integer", label={"en": "N"}), 1234567, {}, "ru")["text"] == f"1{NBSP}234{NBSP}567"


# -- templates: no English outside _() ---------------------------------------------

# Words that are the same in Russian text (names, formats, protocol terms).
SAME_IN_RUSSIAN = {
    "Klientela", "API", "UTC", "CSV", "XLSX", "ODS", "PDF", "DOCX", "ODT", "vCard", "iCalendar", "Bearer",
    "Authorization", "SLA", "ABC", "XYZ", "URL", "UUID", "ISO", "JSON", "OpenAPI", "Swagger", "English",
}
_SKIPPED_ELEMENTS = ("script", "style", "code", "pre", "kbd")


def visible_literal_text(source: str) -> list[tuple[str, str]]:
    """Text a template writes literally (not through an expression): text nodes
    and the aria-label/title/placeholder/alt attributes, outside code samples."""
    from html.parser import HTMLParser

    from jinja2 import Environment

    literal = "".join(value if kind == "data" else " " for _, kind, value in Environment(extensions=["jinja2.ext.i18n"]).lex(source))

    class Collect(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=False)
            self.found, self.skip = [], 0

        def handle_starttag(self, tag, attrs):
            self.skip += tag in _SKIPPED_ELEMENTS
            self.found += [(name, value) for name, value in attrs if name in ("aria-label", "title", "placeholder", "alt") and value]

        def handle_endtag(self, tag):
            self.skip -= tag in _SKIPPED_ELEMENTS

        def handle_data(self, data):
            if not self.skip:
                self.found.append(("text", data))

    collector = Collect()
    collector.feed(literal)
    return [(where, text.strip()) for where, text in collector.found
            if [w for w in re.findall(r"[A-Za-z][A-Za-z'-]{2,}", text) if w not in SAME_IN_RUSSIAN]]


TEMPLATES = sorted(
    p for base in ("core", "plugins", "themes") for p in (REPO_ROOT / base).rglob("*.html") if "templates" in p.parts
)


def test_the_template_scan_finds_unwrapped_text():
    sample = '<h1>{{ _("Hi") }} Hello world</h1><input placeholder="Search here"><option {% if x %}selected{% endif %}>{{ y }}</option><code>raw</code>'
    assert visible_literal_text(sample) == [("text", "Hello world"), ("placeholder", "Search here")]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_templates_write_no_english_outside_translation(template):
    if template.name == "api_docs.html":
        pytest.skip("Swagger UI's own page")
    assert visible_literal_text(template.read_text(encoding="utf-8")) == []
