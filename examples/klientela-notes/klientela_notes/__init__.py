"""The notes plugin, an example of a third-party Klientela plugin.

Hook implementations live in ``plugin.py``; what the plugin is (name, version,
dependencies, features) is in ``plugin.toml`` beside this file.
"""
