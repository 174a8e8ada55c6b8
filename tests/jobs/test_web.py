"""The jobs page and API: mine only, another user's job is 404, administrators see all,
cancel and retry over the form (with CSRF) and the API."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from core.auth.principals import principal_for_user
from core.jobs import api, store
from core.testing.fixtures import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.jobs.conftest import FAST, status_is, until, worker


async def test_jobs_api_and_page(kernel, make_user, client_as):
    ann, bob = await make_user(), await make_user()
    anns = await api.enqueue(kernel, "jobtest.count", {"n": 2}, user_id=ann.id)
    later = datetime.now(timezone.utc) + timedelta(hours=1)  # waits while the worker runs Ann's
    bobs = await api.enqueue(kernel, "jobtest.flaky", {"fail_runs": 0}, user_id=bob.id, run_at=later)
    async with worker(kernel):
        await until(await status_is(anns, "done"))
    async with client_as(ann, **FAST) as c:
        mine = (await c.get("/api/jobs")).json()["items"]
        assert [j["id"] for j in mine] == [str(anns)]
        assert mine[0]["progress"] == {"done": 2, "total": 2, "message": "step 2"} and mine[0]["status"] == "done"
        assert (await c.get(f"/api/jobs/{anns}")).json()["result"] == {"counted": 2}
        # Bob's job, a malformed id and a missing one all answer the same 404; nothing changes.
        for url in (f"/api/jobs/{bobs}", "/api/jobs/not-a-uuid", f"/api/jobs/{anns.hex[:-4]}ffff"):
            assert (await c.get(url)).status_code == 404, url
        assert (await c.post(f"/api/jobs/{bobs}/cancel")).status_code == 404
        assert (await c.post(f"/jobs/{bobs}/cancel", data={})).status_code == 404
        assert (await store.get(bobs))["status"] == "queued"
        assert (await c.get("/api/jobs?status=bogus")).status_code == 400
        assert (await c.post(f"/api/jobs/{anns}/cancel")).status_code == 409  # already done
        page = await c.get("/jobs/")
        assert page.status_code == 200 and str(anns) in page.text and str(bobs) not in page.text
        assert '<progress value="2" max="2">' in page.text
    async with client_as(bob, **FAST) as c:
        row = await c.get(f"/jobs/{bobs}/row")
        assert 'hx-trigger="every 2s"' in row.text  # a waiting job's row polls
        csrf = re.search(r'name="_csrf" value="([^"]+)"', row.text).group(1)
        c.headers.pop("X-CSRF-Token", None)
        refused = await c.post(f"/jobs/{bobs}/cancel", data={})
        assert refused.status_code in (400, 403) and (await store.get(bobs))["status"] == "queued"
        done = await c.post(f"/jobs/{bobs}/cancel", data={"_csrf": csrf})
        assert done.status_code == 303 and (await store.get(bobs))["status"] == "cancelled"
        dead_letter = await c.get("/jobs/?status=cancelled")
        assert str(bobs) in dead_letter.text and 'action="/jobs/' + str(bobs) + '/retry"' in dead_letter.text
    # The administrator (core.job.read at scope all) sees everybody's, and may retry Bob's.
    # (Not the ``client`` fixture: its app's in-process worker does not know the test kinds.)
    async with client_as(ADMIN_EMAIL, password=ADMIN_PASSWORD, **FAST) as client:
        items = (await client.get("/api/jobs?limit=500")).json()["items"]
        assert {str(anns), str(bobs)} <= {j["id"] for j in items}
        assert [j["id"] for j in (await client.get("/api/jobs?mine=true")).json()["items"]] == []
        again = await client.post(f"/api/jobs/{bobs}/retry")
        assert again.status_code == 200 and again.json()["status"] == "queued"
        assert (await client.get("/jobs/?status=dead")).status_code == 200
    # The list reads only the database: a principal built now sees what the API showed.
    assert [j["id"] for j in await api.list_jobs(await principal_for_user(ann.id))] == [anns]
