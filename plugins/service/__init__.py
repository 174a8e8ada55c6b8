"""The service plugin. Hook implementations live in ``plugin.py``; see plugin.toml."""
