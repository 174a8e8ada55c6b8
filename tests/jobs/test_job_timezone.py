"""A job reads times on the clock of the user who started it (else the instance's)."""

from __future__ import annotations

from datetime import datetime, timezone

from core.auth.tables import User
from core.hooks import hookimpl
from core.hooks.contributions import JobKind
from core.i18n import current_timezone
from core.i18n.formatting import format_datetime
from tests.jobs.test_job_language import run_for

WHEN = datetime(2026, 1, 15, 20, 0, tzinfo=timezone.utc)


async def tell_time(ctx):
    # Formatted inside the job, as a report or a reminder e-mail would.
    return {"zone": current_timezone(), "principal": ctx.principal.timezone, "when": format_datetime(WHEN, "short", "ru")}


class Clock:
    @hookimpl
    def register_jobs(self, kernel):
        return [JobKind("tztest.tell", tell_time, max_attempts=1)]


async def test_a_job_formats_times_in_its_starters_zone(kernel_factory, make_user):
    app = kernel_factory(timezone="Europe/Moscow")
    kernel = app.state.kernel
    kernel.pm.register(Clock(), name="tztest")
    far_east, unset = await make_user(), await make_user()
    await User.update({User.timezone: "Asia/Vladivostok"}).where(User.id == far_east.id)
    job = await run_for(kernel, far_east.id, "tztest.tell")
    assert job == {"zone": "Asia/Vladivostok", "principal": "Asia/Vladivostok", "when": "16.01.2026, 06:00"}
    # No choice saved: the instance's zone (Moscow, +03:00).
    assert await run_for(kernel, unset.id, "tztest.tell") == {
        "zone": "Europe/Moscow", "principal": "Europe/Moscow", "when": "15.01.2026, 23:00"}
    assert current_timezone() == "UTC"  # the job's zone did not leak into the caller
