"""Issue 14, item 8: every answer carries the security headers (error pages too),
and every answer but a static asset is ``Cache-Control: no-store``."""

from __future__ import annotations

import pytest

from core.web.security import CSP

SECURITY = {"content-security-policy": CSP, "x-content-type-options": "nosniff", "x-frame-options": "DENY"}


def assert_guarded(response, what: str) -> None:
    for name, value in SECURITY.items():
        assert response.headers.get(name) == value, (what, response.status_code, name, dict(response.headers))
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"], what
    assert response.headers.get("cache-control") == "no-store", (what, response.status_code, dict(response.headers))


async def test_error_pages_carry_the_headers_and_are_not_stored(client, monkeypatch):
    import core.dashboard.widgets

    assert_guarded(missing := await client.get("/no/such/page"), "404")
    assert missing.status_code == 404 and 'name="csrf-token"' in missing.text  # the full shell
    assert_guarded(await client.get("/api/contacts/client/not-an-id"), "404 api")
    token = client.headers.pop("X-CSRF-Token")
    try:
        refused = await client.post("/saved-views/", data={"name": "x"}, headers={"Accept": "text/html"})
    finally:
        client.headers["X-CSRF-Token"] = token
    assert refused.status_code == 403
    assert_guarded(refused, "403")
    bad = await client.get("/api/contacts/client?sort=no_such_field")
    assert bad.status_code == 400
    assert_guarded(bad, "400")

    async def broken(kernel, request):
        raise RuntimeError("boom")

    monkeypatch.setattr(core.dashboard.widgets, "load_widgets", broken)
    crashed = await client.get("/")
    assert crashed.status_code == 500
    assert_guarded(crashed, "500")


async def test_signed_in_pages_api_answers_and_export_files_are_not_stored(client):
    assert_guarded(await client.get("/"), "home page")
    assert_guarded(await client.get("/contacts/client/"), "list page")
    assert_guarded(await client.get("/api/contacts/client"), "API answer")
    exported = await client.post("/export/contacts/client?format=csv")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    assert_guarded(exported, "export file")


async def test_the_sign_in_page_is_guarded_and_static_assets_keep_their_caching(anonymous):
    assert_guarded(await anonymous.get("/login"), "login")
    asset = await anonymous.get("/static/vendor/htmx/htmx.min.js")
    assert asset.status_code == 200 and asset.headers.get("x-content-type-options") == "nosniff"
    assert "no-store" not in asset.headers.get("cache-control", "")
    assert asset.headers.get("etag") or asset.headers.get("last-modified")


@pytest.mark.parametrize("path", ["/schema/openapi.json", "/api/docs"])
async def test_anonymous_refusals_carry_the_headers(anonymous, path):
    answer = await anonymous.get(path, headers={"Accept": "application/json"})
    assert answer.status_code == 401
    assert_guarded(answer, path)
