"""The marketing plugin. Hook implementations live in ``plugin.py``; see plugin.toml."""
