"""A job speaks the language of the user who started it (else the instance's)."""

from __future__ import annotations

from core.auth.tables import User
from core.hooks import hookimpl
from core.hooks.contributions import JobKind
from core.i18n import _, current_locale
from core.i18n.formatting import format_number
from core.jobs import api
from tests.jobs.conftest import status_is, until, worker


async def speak(ctx):
    # Translated and formatted inside the job, as an export or a mailing would.
    return {"lang": current_locale(), "principal": ctx.principal.language,
            "message": _("This field is required."), "number": format_number(1234.5)}


class Speaker:
    @hookimpl
    def register_jobs(self, kernel):
        return [JobKind("i18ntest.speak", speak, max_attempts=1)]


async def run_for(kernel, user_id, kind: str = "i18ntest.speak") -> dict:
    job_id = await api.enqueue(kernel, kind, {}, user_id=user_id)
    async with worker(kernel):
        job = await until(await status_is(job_id, "done", "dead"))
    assert job["status"] == "done", job["last_error"]
    return job["result"]


async def test_a_job_runs_in_its_starters_language(kernel_factory, make_user):
    app = kernel_factory(language="en")
    kernel = app.state.kernel
    kernel.pm.register(Speaker(), name="i18ntest")
    russian, unset = await make_user(), await make_user()
    await User.update({User.language: "ru"}).where(User.id == russian.id)
    result = await run_for(kernel, russian.id)
    assert result == {"lang": "ru", "principal": "ru", "message": "Это поле обязательно.", "number": "1\u00a0234,5"}
    # No choice saved: the instance default.
    assert (await run_for(kernel, unset.id))["message"] == "This field is required."
    assert current_locale() == "en"  # the worker's language did not leak into the caller


async def test_the_instance_default_applies_to_users_without_a_choice(kernel_factory, make_user):
    app = kernel_factory(language="ru")
    kernel = app.state.kernel
    kernel.pm.register(Speaker(), name="i18ntest")
    user = await make_user()
    assert (await run_for(kernel, user.id))["lang"] == "ru"
