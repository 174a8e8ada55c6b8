"""Principals of jobs and calendar feeds, kept per user under the principal stamp
(core.auth.principal_cache.user_principal): reused while nothing changed, and a
role change, a deactivation or a reactivation holds on the very next job or feed
request, as for sessions and tokens (tests/auth/test_principal_cache.py)."""

from __future__ import annotations

import uuid

import pytest

from core.auth.common import utcnow
from core.auth.principal_cache import user_principal, users_cache
from core.auth.users import deactivate_user, reactivate_user, set_roles
from core.jobs.runner import UserInactive, principal_of_job
from core.testing.fixtures import custom_role

READ = "contacts.client.read"


async def kept(user_id, via: str = "job", issued_at=None):
    """The user's principal, asserting this second call rebuilt nothing."""
    await user_principal(user_id, via, issued_at)
    cache = users_cache()
    hits, misses = cache.hits, cache.misses
    principal = await user_principal(user_id, via, issued_at)
    assert (cache.hits, cache.misses) == (hits + 1, misses), "the principal was rebuilt: the cache is not in use"
    return principal


async def test_a_jobs_principal_is_kept_and_a_role_change_or_deactivation_holds_on_the_next_job(make_user):
    role = await custom_role({READ: "all"})
    user = await make_user()
    await set_roles(user.id, [role.key])
    job = {"user_id": user.id}
    assert (await kept(user.id)).scope(READ) == "all"
    assert (await principal_of_job(job)).scope(READ) == "all"

    await set_roles(user.id, ["sales_manager"])
    assert (await principal_of_job(job)).scope(READ) == "team"
    assert (await kept(user.id)).scope(READ) == "team"

    await deactivate_user(user.id)
    with pytest.raises(UserInactive):
        await principal_of_job(job)
    assert await user_principal(user.id) is None


async def test_a_feeds_principal_is_kept_and_a_url_older_than_a_deactivation_stays_dead(make_user):
    user = await make_user(roles=["sales_manager"], team=f"Kept feed {uuid.uuid4().hex[:6]}")
    issued = utcnow()
    principal = await kept(user.id, "feed", issued)
    assert principal.via == "feed" and principal.scope(READ) == "team"

    await deactivate_user(user.id)
    assert await user_principal(user.id, "feed", issued) is None
    await reactivate_user(user.id)
    # The kept row says when the user was last deactivated: the old URL's time is checked against it.
    assert await user_principal(user.id, "feed", issued) is None
    assert (await kept(user.id, "feed", utcnow())).scope(READ) == "team"


async def test_a_job_and_a_feed_of_one_user_keep_their_own_principal(make_user):
    user = await make_user(roles=["sales_manager"])
    job, feed = await kept(user.id, "job"), await kept(user.id, "feed")
    assert (job.via, feed.via) == ("job", "feed")
    assert await user_principal(uuid.uuid4()) is None  # no such user
