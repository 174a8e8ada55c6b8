"""The service plugin in an app with only itself and its dependencies."""

from core.testing.fixtures import check_plugin_alone


async def test_service_page_and_menu_with_only_its_dependencies(plugin_client_factory):
    await check_plugin_alone(plugin_client_factory, "service", "Service")
