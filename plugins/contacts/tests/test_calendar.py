"""Calendar views, moving an interaction, the per-user iCalendar feed, and iCalendar/vCard files."""

from __future__ import annotations

import re
import uuid
from datetime import date

import vobject
from icalendar import Calendar

from core.testing.fixtures import ADMIN_EMAIL, ADMIN_PASSWORD, USER_PASSWORD, serving


def unique(name: str) -> str:
    return f"{name} {uuid.uuid4().hex[:6]}"


async def test_day_week_month_and_moving_an_interaction(client):
    subject = unique("Weekly call")
    made = (await client.post("/api/contacts/interaction", json={"subject": subject, "starts_at": "2031-03-12T14:30:00Z"})).json()
    for view, present in (("day", True), ("week", True), ("month", True)):
        page = await client.get("/contacts/calendar/", params={"view": view, "date": "2031-03-12"})
        assert page.status_code == 200 and (subject in page.text) == present, view
    assert subject not in (await client.get("/contacts/calendar/", params={"view": "day", "date": "2031-03-13"})).text
    month = (await client.get("/contacts/calendar/", params={"view": "month", "date": "2031-03-01"})).text
    assert month.count('class="calendar-day') == 42  # 24 Feb (a Monday) to 6 Apr: whole weeks
    assert (await client.get("/contacts/calendar/", params={"view": "year"})).status_code == 400
    moved = await client.post("/contacts/calendar/move", data={"id": made["id"], "version": made["version"], "date": "2031-03-14"})
    assert moved.status_code == 200, moved.text
    stored = (await client.get(f"/api/contacts/interaction/{made['id']}")).json()
    assert stored["starts_at"].startswith("2031-03-14T14:30")  # same time of day
    stale = await client.post("/contacts/calendar/move", data={"id": made["id"], "version": made["version"], "date": "2031-03-15"})
    assert stale.status_code == 409
    bad = await client.post("/contacts/calendar/move", data={"id": made["id"], "version": "x", "date": "tomorrow"})
    assert bad.status_code == 400


async def test_team_calendar_shows_members_work_only_as_far_as_the_viewer_may_read(app_factory, make_user, client):
    team = unique("Cal team")
    ann = await make_user(roles=["sales_manager"], team=team)
    bob = await make_user(roles=["sales_manager"], team=team)
    outsider = await make_user(roles=["sales_manager"], team=unique("Elsewhere"))
    for owner, subject in ((ann, "ann-call"), (bob, "bob-call"), (outsider, "outsider-call")):
        await client.post("/api/contacts/interaction", json={"subject": f"{subject} {team}", "owner_id": str(owner.id),
                                                            "starts_at": "2031-04-02T10:00:00Z"})
    async with serving(app_factory(), login=(ann.email, USER_PASSWORD)) as as_ann:
        mine = (await as_ann.get("/contacts/calendar/", params={"date": "2031-04-02"})).text
        assert f"ann-call {team}" in mine and f"bob-call {team}" not in mine
        team_id = re.search(r'team=([0-9a-f-]{36})"[^>]*>Team: ' + re.escape(team), mine).group(1)
        shared = (await as_ann.get("/contacts/calendar/", params={"date": "2031-04-02", "team": team_id})).text
        assert f"ann-call {team}" in shared and f"bob-call {team}" in shared and "outsider-call" not in shared
        # Someone else's calendar shows only what the gate lets the viewer read.
        other = (await as_ann.get("/contacts/calendar/", params={"date": "2031-04-02", "user": str(outsider.id)})).text
        assert "outsider-call" not in other


async def test_feed_is_a_secret_url_read_as_its_user(app_factory, make_user, anonymous):
    ann = await make_user(roles=["sales_manager"], team=unique("Feed"))
    subject = unique("Feed meeting")
    async with serving(app_factory(), login=(ADMIN_EMAIL, ADMIN_PASSWORD)) as admin:
        today = date.today().isoformat()
        await admin.post("/api/contacts/interaction", json={"subject": subject, "kind": "meeting", "owner_id": str(ann.id),
                                                            "starts_at": f"{today}T23:00:00Z", "duration_minutes": 45})
        await admin.post("/api/contacts/interaction", json={"subject": "admin's own", "starts_at": f"{today}T22:00:00Z"})
    async with serving(app_factory(), login=(ann.email, USER_PASSWORD)) as as_ann:
        made = await as_ann.post("/contacts/feed/")
        url = re.search(r'value="(https?://[^"]+\.ics)"', made.text).group(1)
        path = url[url.index("/contacts/feed/"):]
        again = (await as_ann.get("/contacts/feed/")).text
        assert path not in again  # shown once
    feed = await anonymous.get(path)
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    events = [e for e in Calendar.from_ical(feed.content).walk("VEVENT")]
    summaries = [str(e["summary"]) for e in events]
    assert subject in summaries and "admin's own" not in summaries
    ev = next(e for e in events if str(e["summary"]) == subject)
    assert (ev.decoded("dtend") - ev.decoded("dtstart")).total_seconds() == 45 * 60
    assert (await anonymous.get("/contacts/feed/not-a-token.ics")).status_code == 404
    # A new address revokes the old one.
    async with serving(app_factory(), login=(ann.email, USER_PASSWORD)) as as_ann:
        await as_ann.post("/contacts/feed/")
    assert (await anonymous.get(path)).status_code == 404


ICS = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Test//EN\r
BEGIN:VEVENT\r
UID:one@test\r
SUMMARY:Imported meeting\r
DTSTART:20310505T100000Z\r
DTEND:20310505T113000Z\r
ATTENDEE:mailto:anna@example.com\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:two@test\r
DTSTART:20310506T100000Z\r
END:VEVENT\r
END:VCALENDAR\r
"""


async def test_icalendar_and_vcard_export_and_import(client):
    imported = await client.post("/contacts/sync/calendar", files={"file": ("x.ics", ICS, "text/calendar")})
    assert imported.status_code == 422 and "Created: 1" in imported.text and "subject" in imported.text  # one without a summary
    found = (await client.get("/api/contacts/interaction", params={"q": "Imported meeting"})).json()["items"]
    assert found and found[0]["duration_minutes"] == 90 and found[0]["participants"] == "anna@example.com"
    exported = await client.get("/contacts/sync/calendar.ics", params={"from": "2031-05-01", "to": "2031-05-31"})
    assert "Imported meeting" in [str(e["summary"]) for e in Calendar.from_ical(exported.content).walk("VEVENT")]
    assert (await client.post("/contacts/sync/calendar", files={"file": ("x.ics", b"garbage", "text/calendar")})).status_code == 400

    name = unique("Пётр Сидоров")
    company = (await client.post("/api/contacts/client", json={"name": unique("Vcard Co")})).json()
    await client.post("/api/contacts/contact", json={"full_name": name, "client": company["id"], "position": "CFO",
                                                     "phone": "+7 916 111-22-33", "email": "petr@example.com", "birthday": "1970-01-02"})
    vcf = await client.get("/contacts/sync/contacts.vcf", params={"q": name})
    card = next(vobject.readComponents(vcf.text))
    assert card.fn.value == name and card.tel.value == "+79161112233" and card.org.value == [company["name"]] and card.title.value == "CFO"
    text = vcf.text.replace(name, name + " copy").replace("+79161112233", "8 916 111 22 44")
    back = await client.post("/contacts/sync/contacts", files={"file": ("c.vcf", text.encode(), "text/vcard")})
    assert back.status_code == 200 and "Created: 1" in back.text
    copy = (await client.get("/api/contacts/contact", params={"q": f"{name} copy"})).json()["items"][0]
    assert copy["phone"] == "+79161112244" and copy["birthday"] == "1970-01-02"


async def test_outlook_files_are_corp_only_and_the_feed_is_everywhere(app_factory):
    for edition, files in (("basic", False), ("prof", False), ("corp", True)):
        async with serving(app_factory(edition=edition), login=(ADMIN_EMAIL, ADMIN_PASSWORD)) as c:
            assert ((await c.get("/contacts/sync/")).status_code == 200) == files, edition
            assert (await c.get("/contacts/feed/")).status_code == 200, edition
            assert (await c.get("/contacts/calendar/")).status_code == 200, edition
