"""The accounting_bridge plugin. Hook implementations live in ``plugin.py``; see plugin.toml."""
