"""The accounting_bridge plugin in an app with only itself and its dependencies."""

from core.testing.fixtures import with_dependencies


async def test_accounting_bridge_page_and_menu_with_only_its_dependencies(plugin_client_factory):
    async with plugin_client_factory("accounting_bridge") as client:
        page = await client.get("/accounting_bridge/")
        assert page.status_code == 200
        assert "<h1>Accounting bridge</h1>" in page.text
        home = (await client.get("/")).text
        for name in with_dependencies("accounting_bridge"):
            assert f'href="/{name}/"' in home
        for other in {"contacts", "sales", "marketing", "service", "accounting_bridge"} - set(with_dependencies("accounting_bridge")):
            assert f'href="/{other}/"' not in home
            assert (await client.get(f"/{other}/")).status_code == 404
