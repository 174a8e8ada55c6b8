"""The sales plugin. Hook implementations live in ``plugin.py``; see plugin.toml."""
