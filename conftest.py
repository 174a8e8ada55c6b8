# Root conftest: choose the database engine before any table is touched.
pytest_plugins = ["core.testing.fixtures", "core.testing.server"]
