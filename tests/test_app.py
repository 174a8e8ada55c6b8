"""The app factory: routes, templates, static files, health, OpenAPI, headers."""

from core.testing.fixtures import ADMIN_EMAIL, ADMIN_PASSWORD, serving
from core.web.security import CSP


async def test_health_reports_database(client):
    response = await client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == {"database": "ok"}
    assert body["edition"] == "corp"


async def test_home_lists_menu_from_hook_in_order(client):
    response = await client.get("/")
    assert response.status_code == 200
    html = response.text
    positions = [html.index(f'href="{url}"') for url in ("/contacts/client/", "/sales/deal/", "/marketing/", "/service/", "/accounting_bridge/")]
    assert positions == sorted(positions)
    assert response.headers["content-security-policy"] == CSP


async def test_openapi_schema_and_local_docs(client):
    schema = (await client.get("/schema/openapi.json")).json()
    assert schema["info"]["title"] == "Klientela"
    assert "/health" in schema["paths"]
    docs = await client.get("/api/docs")
    assert docs.status_code == 200
    assert "http://" not in docs.text and "https://" not in docs.text  # nothing from a CDN
    assert 'src="/static/vendor/swagger-ui/swagger-ui-bundle.js"' in docs.text


async def test_vendor_assets_are_served_locally(client):
    htmx = await client.get("/static/vendor/htmx/htmx.min.js")
    assert htmx.status_code == 200
    assert b"htmx" in htmx.content[:2000]
    assert (await client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js")).status_code == 200
    # Only the listed folders of node_modules are exposed.
    assert (await client.get("/static/vendor/htmx/../../package.json")).status_code in (400, 404)


async def test_plugin_page_renders_its_own_template(client):
    response = await client.get("/contacts", follow_redirects=True)
    assert response.status_code == 200
    assert "contacts_client" in response.text


async def test_basic_edition_app_has_fewer_features(app_factory):
    app = app_factory(edition="basic")
    async with serving(app, login=(ADMIN_EMAIL, ADMIN_PASSWORD)) as c:
        page = (await c.get("/contacts", follow_redirects=True)).text
    assert "Assignments — off" in page
    assert "Calendar and reminders — on" in page


async def test_template_precedence_theme_then_plugin_then_core(app_factory, tmp_path):
    theme = tmp_path / "themes" / "acme"
    (theme / "templates" / "contacts").mkdir(parents=True)
    (theme / "static").mkdir()
    (theme / "templates" / "contacts" / "index.html").write_text(
        '{% extends "core/plugin_overview.html" %}{% block extra %}<p id="acme">ACME contacts</p>{% endblock %}'
    )
    (theme / "static" / "theme.css").write_text("body { color: rebeccapurple; }")
    app = app_factory(theme="acme", themes_dir=tmp_path / "themes")
    async with serving(app, login=(ADMIN_EMAIL, ADMIN_PASSWORD)) as c:
        contacts = (await c.get("/contacts", follow_redirects=True)).text
        sales = (await c.get("/sales", follow_redirects=True)).text
        css = (await c.get("/static/theme.css")).text
    assert '<p id="acme">ACME contacts</p>' in contacts  # theme overrides the plugin
    assert "ACME" not in sales and "<h1>Sales</h1>" in sales  # the rest falls back
    assert "rebeccapurple" in css


def test_unknown_theme_is_a_clear_error(app_factory):
    import pytest

    with pytest.raises(ValueError, match="theme 'nope' not found"):
        app_factory(theme="nope")


async def test_feature_set_inside_a_controller_answers_404_when_off(app_factory, monkeypatch):
    from litestar import Controller, get

    from core.hooks import hookimpl
    from plugins.sales import plugin as sales_plugin

    class Board(Controller):
        path = "/sales/board-demo"

        @get("/", opt={"public": True})
        async def always(self) -> str:
            return "always"

        @get("/funnel", opt={"public": True, "feature": "sales.funnel"})
        async def funnel(self) -> str:
            return "funnel"

    original = sales_plugin.register_routes
    # pluggy reads the module's attributes when the plugin is registered.
    monkeypatch.setattr(sales_plugin, "register_routes", hookimpl(lambda kernel: [*original(kernel), Board]))
    basic, corp = app_factory(edition="basic"), app_factory(edition="corp")
    async with serving(basic) as c:
        assert (await c.get("/sales/board-demo/")).text == "always"
        assert (await c.get("/sales/board-demo/funnel")).status_code == 404
    async with serving(corp) as c:
        assert (await c.get("/sales/board-demo/funnel")).text == "funnel"


async def test_an_unexpected_error_is_logged_and_answered_without_details(client, monkeypatch, caplog):
    import core.dashboard.widgets

    async def broken(kernel, request):
        raise RuntimeError("secret internals 42")

    monkeypatch.setattr(core.dashboard.widgets, "load_widgets", broken)
    page = await client.get("/")
    assert page.status_code == 500 and "logged" in page.text and "secret internals" not in page.text
    assert page.headers["content-type"].startswith("text/html")
    assert any("unexpected error on GET /" in r.getMessage() and r.exc_info for r in caplog.records)
    partial = await client.get("/", headers={"HX-Request": "true"})
    assert partial.status_code == 500 and "secret internals" not in partial.text and "logged" in partial.json()["detail"]
