"""The hook catalogue is Klientela's public API for plugins.

Plugins import ``hookimpl`` from here and the contribution types from
``core.hooks.contributions``; nothing else in core is needed to extend it.
"""

import pluggy

PROJECT = "klientela"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)
