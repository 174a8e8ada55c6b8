"""The job kinds and schedules of one kernel, from the ``register_jobs`` hook."""

from __future__ import annotations

from dataclasses import dataclass

from core.hooks.contributions import JobKind, Schedule


class UnknownJobKind(LookupError):
    pass


@dataclass(frozen=True)
class JobRegistry:
    kinds: dict[str, JobKind]
    schedules: tuple[Schedule, ...]

    def kind(self, name: str) -> JobKind:
        try:
            return self.kinds[name]
        except KeyError:
            raise UnknownJobKind(
                f"no job kind {name!r} in this instance (is its plugin disabled?); "
                f"known: {', '.join(sorted(self.kinds)) or 'none'}"
            ) from None


def build_registry(kernel) -> JobRegistry:
    """Every enabled plugin's kinds and schedules, checked like permissions are:
    a plugin names only its own kinds, a name is declared once, a schedule
    names a known kind."""
    kinds: dict[str, JobKind] = {}
    schedules: list[Schedule] = []
    for owner, items in kernel.collect_by_plugin("register_jobs"):
        for item in items:
            if isinstance(item, JobKind):
                if item.plugin != owner:
                    raise ValueError(f"plugin {owner!r} declared job kind {item.name!r}; it must start with {owner!r}")
                if item.name in kinds:
                    raise ValueError(f"job kind {item.name!r} is declared twice")
                kinds[item.name] = item
            elif isinstance(item, Schedule):
                schedules.append(item)
            else:
                raise TypeError(f"register_jobs of {owner!r} returned {item!r}; expected JobKind or Schedule")
    for schedule in schedules:
        if schedule.kind not in kinds:
            raise ValueError(f"schedule {schedule.cron!r} names unknown job kind {schedule.kind!r}")
    return JobRegistry(kinds, tuple(schedules))


def registry_of(kernel) -> JobRegistry:
    """Built once per kernel (declarations, not state: every process builds the same)."""
    cached = kernel.__dict__.get("_job_registry")
    if cached is None:
        cached = kernel.__dict__["_job_registry"] = build_registry(kernel)
    return cached
