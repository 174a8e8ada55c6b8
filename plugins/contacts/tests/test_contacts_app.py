"""The contacts plugin in an app with only itself and its dependencies."""

from core.testing.fixtures import with_dependencies


async def test_contacts_page_and_menu_with_only_its_dependencies(plugin_client_factory):
    async with plugin_client_factory("contacts") as client:
        page = await client.get("/contacts/")
        assert page.status_code == 200
        assert "<h1>Contacts</h1>" in page.text
        home = (await client.get("/")).text
        for name in with_dependencies("contacts"):
            assert f'href="/{name}/"' in home
        for other in {"contacts", "sales", "marketing", "service", "accounting_bridge"} - set(with_dependencies("contacts")):
            assert f'href="/{other}/"' not in home
            assert (await client.get(f"/{other}/")).status_code == 404
