"""A running app built before `klientela plugin enable/disable` says it must be restarted."""

from core.settings import write_config_file
from core.testing.fixtures import ADMIN_EMAIL, ADMIN_PASSWORD, serving


async def test_health_reports_that_the_running_app_differs_from_the_configured_plugins(app_factory, monkeypatch, tmp_path):
    config = tmp_path / "klientela.toml"
    monkeypatch.setenv("KLIENTELA_CONFIG", str(config))
    write_config_file({"edition": "corp"}, config)
    async with serving(app_factory(), login=(ADMIN_EMAIL, ADMIN_PASSWORD)) as client:
        fresh = (await client.get("/health")).json()
        assert "restart_needed" not in fresh

        # What `klientela plugin disable service` writes while the server runs.
        write_config_file({"edition": "corp", "plugins_disable": ["service"]}, config)
        health = await client.get("/health")
        assert health.status_code == 200
        body = health.json()
        assert body["restart_needed"] is True
        assert body["configured_differs"] == {"plugins_to_enable": [], "plugins_to_disable": ["service"]}
        assert (await client.get("/service/")).status_code == 200  # still served until the restart

        # Switched back before any restart: nothing differs.
        write_config_file({"edition": "corp", "plugins_disable": []}, config)
        assert "restart_needed" not in (await client.get("/health")).json()
