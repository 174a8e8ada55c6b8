"""The kernel of one app: settings, edition, resolved plugins, hooks, features.

Everything that differs between two apps in one process lives here, so a test
can build a basic and a corp app side by side.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable, Iterable, TypeVar

import pluggy

from core.editions.loader import Edition, load_edition
from core.hooks.manager import build_plugin_manager, flatten
from core.plugins.discovery import Catalog, discover
from core.plugins.manifest import Manifest
from core.plugins.resolver import Resolution
from core.settings import Settings

T = TypeVar("T")


@dataclass(frozen=True)
class Features:
    """The one switchboard for edition features.

    Routes, menu items and permissions carry an optional qualified feature
    name (``"contacts.assignments"``); :meth:`gate` is the only place that
    decides whether they exist in this app.
    """

    names: frozenset[str]

    def enabled(self, qualified: str | None) -> bool:
        return qualified is None or qualified in self.names

    def gate(self, items: Iterable[T]) -> list[T]:
        return [item for item in items if self.enabled(feature_of(item))]


def feature_of(item) -> str | None:
    feature = getattr(item, "feature", None)
    if feature is None:
        opt = getattr(item, "opt", None)
        # A Controller class exposes ``opt`` as a slot descriptor, not a dict.
        feature = opt.get("feature") if isinstance(opt, dict) else None
    return feature


@dataclass
class Kernel:
    settings: Settings
    catalog: Catalog
    edition: Edition
    resolution: Resolution
    pm: pluggy.PluginManager = field(repr=False)
    # Answers worked out once per app (:meth:`once`).
    _once: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def plugins(self) -> tuple[Manifest, ...]:
        return self.resolution.order

    @cached_property
    def features(self) -> Features:
        return Features(self.resolution.features)

    @property
    def hook(self):
        return self.pm.hook

    def collect(self, hook_name: str, **kwargs) -> list:
        """Call a ``register_*`` hook and flatten the lists it returns."""
        return flatten(getattr(self.pm.hook, hook_name)(kernel=self, **kwargs))

    def once(self, key, make: Callable[[], T]) -> T:
        """What ``make()`` returns, worked out the first time ``key`` is asked for and kept
        for the life of this app.

        For hooks called on every page whose answer cannot change while the app
        runs — it depends on the enabled plugins and features only, never on the
        request (the menu's items, the home page's widgets, an entity's views):
        core calls them once and filters the kept list per request (by
        permission), instead of calling every implementation and building
        their contributions again on every page."""
        try:
            return self._once[key]
        except KeyError:
            found = self._once[key] = make()
            return found

    def collect_by_plugin(self, hook_name: str, **kwargs) -> list[tuple[str, list]]:
        """Call a ``register_*`` hook per implementation, keeping who returned what.

        Used where core checks a contribution against its owner (a route under
        the plugin's prefix, a permission named after the plugin). Order:
        core first, then plugins in resolver order.
        """
        kwargs = dict(kwargs, kernel=self)
        caller = getattr(self.pm.hook, hook_name)
        out = []
        # get_hookimpls() lists implementations in registration order (pluggy
        # *calls* them in reverse): core first, then plugins in resolver order.
        for impl in caller.get_hookimpls():
            result = impl.function(**{arg: kwargs[arg] for arg in impl.argnames})
            out.append((owner_name(impl.plugin_name), flatten([result])))
        return out

    def collect_dict(self, hook_name: str, **kwargs) -> dict:
        merged: dict = {}
        for owner, results in self.collect_by_plugin(hook_name, **kwargs):
            for part in results:
                for key in part:
                    if owner != "core" and not key.startswith(f"{owner}_"):
                        raise ValueError(f"plugin {owner!r} contributed template global {key!r}; prefix it with '{owner}_'")
                merged.update(part)
        return merged

    @cached_property
    def entities(self):
        from core.entities.registry import EntityRegistry

        return EntityRegistry.build(self)

    def permissions(self) -> list:
        return self.features.gate(self.collect("register_permissions"))


def owner_name(plugin_name: str) -> str:
    """Core's built-in modules register as ``core:<module>``; plugins by their name."""
    return "core" if plugin_name.startswith("core:") else plugin_name


def effective_edition(settings: Settings) -> Edition:
    """The configured edition with the instance's enable/disable switches applied."""
    return load_edition(settings.edition).with_overrides(settings.plugins_enable, settings.plugins_disable)


def build_kernel(settings: Settings, catalog: Catalog | None = None) -> Kernel:
    catalog = catalog or discover()
    edition = effective_edition(settings)
    resolution = edition.resolve(catalog)
    pm = build_plugin_manager(resolution.order)
    return Kernel(settings=settings, catalog=catalog, edition=edition, resolution=resolution, pm=pm)
