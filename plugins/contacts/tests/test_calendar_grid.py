"""The calendar grid's JSON feed and its moves: the user's clock, the gate's scope, the version check."""

from __future__ import annotations

import html
import json
import re
import uuid

from core.auth.tables import User
from core.testing.fixtures import custom_role

FEED = "/contacts/calendar/events"
MOVE = "/contacts/calendar/move"


def unique(name: str) -> str:
    return f"{name} {uuid.uuid4().hex[:6]}"


def by_title(events: list[dict], text: str) -> dict | None:
    return next((e for e in events if text in e["title"]), None)


async def test_the_feed_gives_the_range_on_the_users_clock_and_moves_come_back_on_it(make_user, client_as):
    ann = await make_user(roles=["sales_manager"], team=unique("Grid"))
    await User.update({User.timezone: "Europe/Moscow"}).where(User.id == ann.id)  # UTC+3, no daylight saving
    subject = unique("Grid call")
    async with client_as(ann) as c:
        made = (await c.post("/api/contacts/interaction", json={
            "subject": subject, "kind": "meeting", "starts_at": "2031-03-12T14:30:00Z", "duration_minutes": 45})).json()
        week = (await c.get(FEED, params={"start": "2031-03-10T00:00:00", "end": "2031-03-17T00:00:00"})).json()
        event = by_title(week, subject)
        assert event["start"] == "2031-03-12T17:30" and event["end"] == "2031-03-12T18:15"  # Moscow's clock
        assert event["title"] == f"Meeting: {subject}" and event["editable"] is True
        assert event["resourceIds"] == [str(ann.id)] and event["extendedProps"]["version"] == made["version"]
        later = (await c.get(FEED, params={"start": "2031-03-13", "end": "2031-03-20"})).json()
        assert by_title(later, subject) is None  # outside the visible range
        assert (await c.get(FEED, params={"start": "2031-01-01", "end": "2031-12-31"})).status_code == 400
        assert (await c.get(FEED, params={"start": "soon", "end": "later"})).status_code == 400
        # A drop on Friday 09:00 and a resize to 90 minutes, on Moscow's clock.
        moved = await c.post(MOVE, data={"id": made["id"], "version": made["version"],
                                         "start": "2031-03-14T09:00", "end": "2031-03-14T10:30"})
        assert moved.status_code == 200, moved.text
        stored = (await c.get(f"/api/contacts/interaction/{made['id']}")).json()
        assert stored["starts_at"].startswith("2031-03-14T06:00") and stored["duration_minutes"] == 90
        stale = await c.post(MOVE, data={"id": made["id"], "version": made["version"], "start": "2031-03-15T09:00"})
        assert stale.status_code == 409 and "changed this entry meanwhile" in stale.json()["errors"]["version"]
        backwards = await c.post(MOVE, data={"id": made["id"], "version": moved.json()["version"],
                                             "start": "2031-03-14T09:00", "end": "2031-03-14T08:00"})
        assert backwards.status_code == 400 and "after the start" in backwards.text
        assert (await c.get(f"/api/contacts/interaction/{made['id']}")).json()["duration_minutes"] == 90


async def test_a_meeting_planned_without_a_responsible_is_in_the_planners_own_calendar(make_user, client_as):
    ann = await make_user(roles=["sales_manager"], team=unique("Own"))
    subject = unique("Planned by Ann")
    async with client_as(ann) as c:
        form = await c.get("/contacts/interaction/new")
        token = re.search(r'name="_csrf" value="([^"]+)"', form.text)
        data = {"subject": subject, "kind": "meeting", "status": "planned", "starts_at": "2031-05-06T10:00"}
        saved = await c.post("/contacts/interaction/", data={**data, **({"_csrf": token.group(1)} if token else {})})
        assert saved.status_code in (200, 303), saved.text[:500]
        mine = (await c.get(FEED, params={"start": "2031-05-04", "end": "2031-05-11"})).json()
        assert by_title(mine, subject) is not None
        page = await c.get("/contacts/calendar/", params={"view": "week", "date": "2031-05-06"})
        assert subject in page.text  # the agenda (the page without JavaScript) has it too


async def test_drag_is_offered_only_where_the_viewer_may_write(make_user, client_as, client):
    team = unique("Scope")
    writer = await custom_role({"contacts.interaction.read": "team", "contacts.interaction.write": "own"})
    ann = await make_user(roles=[writer.key], team=team)
    bob = await make_user(roles=["sales_manager"], team=team)
    outsider = await make_user(roles=["sales_manager"], team=unique("Far"))
    for owner, subject in ((ann, "ann's"), (bob, "bob's"), (outsider, "outsider's")):
        await client.post("/api/contacts/interaction", json={"subject": f"{subject} {team}", "owner_id": str(owner.id),
                                                            "starts_at": "2031-04-02T10:00:00Z"})
    async with client_as(ann) as c:
        page = (await c.get("/contacts/calendar/", params={"view": "team", "date": "2031-04-02"})).text
        team_id = re.search(r'team=([0-9a-f-]{36})"', page).group(1)
        grid = json.loads(html.unescape(re.search(r'data-config="([^"]*)"', page).group(1)))
        assert grid["view"] == "resourceTimeGridDay" and grid["feed"].endswith(f"?team={team_id}")
        assert {r["id"] for r in grid["resources"]} == {str(ann.id), str(bob.id)}  # the team view: a column per member
        assert grid["move"] and grid["locale"] == "en" and grid["firstDay"] == 1
        shared = (await c.get(FEED, params={"start": "2031-04-02", "end": "2031-04-03", "team": team_id})).json()
        assert by_title(shared, f"ann's {team}")["editable"] is True
        bobs = by_title(shared, f"bob's {team}")
        assert bobs["editable"] is False and bobs["resourceIds"] == [str(bob.id)]  # read yes, write no
        assert by_title(shared, "outsider's") is None
        others = (await c.get(FEED, params={"start": "2031-04-02", "end": "2031-04-03", "user": str(outsider.id)})).json()
        assert others == []  # another team's work is not the viewer's to read
        refused = await c.post(MOVE, data={"id": bobs["extendedProps"]["id"], "version": bobs["extendedProps"]["version"],
                                           "start": "2031-04-03T10:00"})
        assert refused.status_code == 404  # the gate decides on the move too
        assert (await c.get(FEED, params={"start": "2031-04-02", "end": "2031-04-03", "user": "not-an-id"})).status_code == 400
