"""Resolve a requested set of plugins and features into a load order.

The order is topological (a plugin after everything it depends on) and
deterministic: among plugins that are ready at the same time the name decides.
Template precedence, hook order and migration order all follow it, so it must
never depend on set or dict iteration.

Every problem is collected (not just the first), and each message names the
plugins involved, so an integrator fixes an edition in one pass.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from core.plugins.discovery import Catalog
from core.plugins.manifest import Manifest


class ResolutionError(Exception):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class Resolution:
    order: tuple[Manifest, ...]
    features: frozenset[str]  # "plugin.feature", core's as "core.feature"

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(m.name for m in self.order)

    def has_feature(self, qualified: str) -> bool:
        return qualified in self.features


def resolve(catalog: Catalog, plugins: list[str], features: dict[str, list[str]] | None = None) -> Resolution:
    problems: list[str] = []
    wanted = sorted(set(plugins))
    chosen: dict[str, Manifest] = {}
    for name in wanted:
        if name == "core":
            problems.append("'core' is always on; do not list it as a plugin")
        elif name in catalog.broken:
            problems.append(f"plugin {name!r} is installed but broken: {catalog.broken[name].error}")
        elif name not in catalog.plugins:
            problems.append(f"unknown plugin {name!r} (installed: {', '.join(sorted(catalog.plugins)) or 'none'})")
        else:
            chosen[name] = catalog.plugins[name]

    available = dict(chosen, core=catalog.core)
    for name, manifest in chosen.items():
        for dep, spec in sorted(manifest.depends.items()):
            target = available.get(dep)
            if target is None:
                hint = "it is not installed" if dep not in catalog.plugins else "it is not enabled"
                problems.append(f"plugin {name!r} depends on {dep!r}, but {hint}")
            elif spec and not spec.contains(target.version, prereleases=True):
                problems.append(
                    f"plugin {name!r} requires {dep} {spec}, but {dep} {target.version} is installed"
                )
    # A conflict declared on either side (or both) is reported once per pair.
    clashes = {
        tuple(sorted((name, other)))
        for name, manifest in chosen.items()
        for other in manifest.conflicts
        if other in chosen
    }
    for first, second in sorted(clashes):
        problems.append(f"plugin {first!r} conflicts with {second!r}; enable only one of them")

    enabled_features: set[str] = set()
    for owner, names in sorted((features or {}).items()):
        manifest = available.get(owner)
        if manifest is None:
            problems.append(f"features listed for {owner!r}, which is not enabled")
            continue
        for feature in sorted(set(names)):
            if feature not in manifest.features:
                known = ", ".join(sorted(manifest.features)) or "none"
                problems.append(f"{owner!r} has no feature {feature!r} (known: {known})")
            else:
                enabled_features.add(f"{owner}.{feature}")

    order = _topological(chosen, problems)
    if problems:
        raise ResolutionError(problems)
    return Resolution(order=tuple(order), features=frozenset(enabled_features))


def _topological(chosen: dict[str, Manifest], problems: list[str]) -> list[Manifest]:
    deps = {n: {d for d in m.depends if d in chosen} for n, m in chosen.items()}
    dependents: dict[str, set[str]] = {n: set() for n in chosen}
    for n, ds in deps.items():
        for d in ds:
            dependents[d].add(n)
    remaining = {n: len(ds) for n, ds in deps.items()}
    ready = [n for n, count in remaining.items() if count == 0]
    heapq.heapify(ready)
    order: list[Manifest] = []
    while ready:
        name = heapq.heappop(ready)
        order.append(chosen[name])
        for nxt in dependents[name]:
            remaining[nxt] -= 1
            if remaining[nxt] == 0:
                heapq.heappush(ready, nxt)
    if len(order) < len(chosen):
        stuck = sorted(n for n in chosen if n not in {m.name for m in order})
        problems.append(f"dependency cycle: {' -> '.join(_find_cycle(stuck, deps))}")
    return order


def _find_cycle(stuck: list[str], deps: dict[str, set[str]]) -> list[str]:
    """Walk dependencies from the first stuck plugin until a name repeats."""
    path: list[str] = []
    node = stuck[0]
    while node not in path:
        path.append(node)
        node = sorted(d for d in deps[node] if d in stuck)[0]
    return path[path.index(node):] + [node]
