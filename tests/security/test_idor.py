"""S2 (IDOR): user A calls every ``{id}`` route with user B's ids — always 404, database unchanged.

The routes are walked from the app itself, so a route added later is covered
without editing this test (an id parameter this test cannot fill fails it).
"""

from __future__ import annotations

import re
import uuid

import pytest

from core.auth.org import team_by_name
from core.auth.principals import principal_for_user
from core.auth.tables import Department, User
from core.auth.tokens import create_token
from core.permissions.gate import Gate
from core.testing.fixtures import ADMIN_EMAIL, USER_PASSWORD, serving
from tests.auth.world import TITLE, in_reference_order, required_values
from tests.security.db_state import differences, snapshot

PARAM = re.compile(r"\{(\w+):(\w+)\}")
SKIP_PREFIXES = ("/static/", "/_litestar/")


async def b_world(kernel, make_user, suffix: str) -> dict:
    """User B (another department and team) with a record of every entity, a token, a team."""
    b = await make_user(roles=["head_of_sales"], team=f"B-team-{suffix}", department=f"B-dept-{suffix}")
    admin = await User.objects().where(User.email == ADMIN_EMAIL).first()
    system = await principal_for_user(admin.id, via="system")
    records = {}
    for entity in in_reference_order(kernel.entities):
        key = entity.key
        title = TITLE.get(key) or entity.title_field
        row = await Gate(kernel, entity, system).create({title: f"B's {key} {suffix}", "owner_id": str(b.id),
                                                         **required_values(entity, records)})
        records[key] = row["id"]
    trashed = {}
    for key, entity in kernel.entities.items():
        title = TITLE.get(key) or entity.title_field
        gate = Gate(kernel, entity, system)
        row = await gate.create({title: f"B's trashed {key} {suffix}", "owner_id": str(b.id), **required_values(entity, records)})
        await gate.delete(row["id"])
        trashed[key] = row["id"]
    token, _ = await create_token(b.id, "B's integration")
    field = f"b_{suffix}"
    try:  # custom field definitions are administrators' business: nobody else reaches them
        from core.custom_fields.definitions import create_field

        await create_field("contacts.client", field, "text", "B's field", kernel=kernel)
    except ImportError:
        pass
    # B's background job, due tomorrow so no worker runs it during the walk.
    from datetime import datetime, timedelta, timezone

    from core.jobs import enqueue

    job_id = await enqueue(kernel, "core.cleanup_sessions", user_id=b.id, run_at=datetime.now(timezone.utc) + timedelta(days=1))
    # B's personal saved view and B's notification: A must reach neither.
    from core.notifications.api import notify
    from core.saved_views.tables import SavedView

    now = datetime.now(timezone.utc)
    view = SavedView(owner_id=b.id, entity="contacts.client", name=f"B's view {suffix}", state="sort=name", shared=False,
                     created_at=now, updated_at=now)
    await view.save()
    notification_id = await notify(b.id, "B's notification")
    department = await Department.objects().where(Department.name == f"B-dept-{suffix}").first()
    team = await team_by_name(f"B-team-{suffix}")
    return {"user": b, "records": records, "trashed": trashed, "token_id": token.id,
            "department_id": department.id, "team_id": team.id, "field": field, "job_id": job_id,
            "view_id": view.id, "notification_id": notification_id}


def requests_for(app, kernel, b: dict):
    """(method, url) for every route with an id parameter, filled with B's ids."""
    for route in app.routes:
        if route.path.startswith(SKIP_PREFIXES) or "{" not in route.path:
            continue
        for handler in route.route_handlers:
            names = [name for name, _ in PARAM.findall(route.path)]
            if not set(names) - {"plugin", "name"}:
                continue  # a list or create route: no id to take (lists are the matrix's business)
            for method in sorted(handler.http_methods - {"OPTIONS", "HEAD"}):
                keys = list(kernel.entities) if "plugin" in names else [
                    next((k for k, e in kernel.entities.items() if route.path.startswith(e.url + "/")), None)
                ]
                for key in keys:
                    values = {}
                    for name in names:
                        if name in ("plugin", "name"):
                            values["plugin"], values["name"] = key.split(".")
                        elif name == "record_id":
                            # A route outside every entity's URL (a document rendered for a record):
                            # B's client is the record it must not reach.
                            values[name] = b["trashed" if route.path.endswith("/restore") else "records"][key or "contacts.client"]
                        elif name in ("user_id", "token_id", "team_id", "department_id", "job_id", "view_id", "notification_id"):
                            values[name] = b[name] if name != "user_id" else b["user"].id
                        elif name == "key":
                            values[name] = "sales_manager"
                        elif name in ("run_id", "scan_id", "merge_id"):
                            # Import runs, dedupe scans and merges: their own tests check that only
                            # their author reaches them; here an id nobody owns must answer 404.
                            values[name] = uuid.uuid4()
                        elif name == "rule_id":
                            values[name] = uuid.uuid4()
                        elif name == "template_id":
                            # Document templates belong to no user (administrators manage them);
                            # the record id next to one in a route is B's, and that is what must 404.
                            values[name] = uuid.uuid4()
                        elif name == "field":
                            values[name] = b["field"]
                        elif name in ("interaction_id", "task_id"):
                            values[name] = b["records"][f"contacts.{name[:-3]}"]
                        elif name == "deal_id":
                            values[name] = b["records"]["sales.deal"]
                        elif name == "line_id":
                            values[name] = uuid.uuid4()  # on B's deal: the deal is what must 404
                        elif name == "step_name":
                            values[name] = "accept"  # B's task: the step must not be taken
                        elif name == "token":
                            values[name] = "guessed-feed-token.ics"  # feeds answer only their secret
                        else:
                            raise AssertionError(f"{route.path}: cannot fill {{{name}}}: teach this test about it")
                    url = PARAM.sub(lambda m: str(values[m.group(1)]), route.path)
                    yield method, url, key


# The stock roles whose scopes stop short of B's department (read_only, marketer
# and service engineer read every client by design), and a user with no role.
@pytest.mark.parametrize("a_role", ["sales_manager", "head_of_sales", None])
async def test_other_users_ids_are_not_found_on_every_id_route_and_nothing_changes(a_role, app_factory, make_user):
    suffix = uuid.uuid4().hex[:8]
    # No in-process worker: the every-minute reminder schedule would write during the walk.
    app = app_factory(jobs_in_process=False)
    kernel = app.state.kernel
    b = await b_world(kernel, make_user, suffix)
    a = await make_user(roles=[a_role] if a_role else [], team=f"A-team-{suffix}", department=f"A-dept-{suffix}")
    async with serving(app, login=(a.email, USER_PASSWORD)) as client:
        # Not vacuous: A reaches A's own record through the same routes.
        own = await Gate(kernel, kernel.entities["contacts.client"], await principal_for_user(a.id)).create(
            {"name": f"A's own {suffix}"}
        ) if a_role else None
        if own:
            assert (await client.get(f"/api/contacts/client/{own['id']}")).status_code == 200

        # Entities the role reads in full by design (the sales catalogue, price types and
        # pipelines are every seller's reference data): B's rows there are not B's to hide.
        from core.permissions.roles import default_grants

        shared = {key for key in kernel.entities
                  if default_grants(kernel).get(a_role or "", {}).get(f"{key}.read") == "all"}
        assert not shared & {"contacts.client", "sales.deal"}  # the walk keeps its point
        before = await snapshot()
        answered = {}
        for method, url, key in requests_for(app, kernel, b):
            if key in shared:
                continue
            title = TITLE.get(key or "", "name")
            if url.startswith("/api/"):
                response = await client.request(method, url, json={title: "taken over", "owner_id": str(a.id)},
                                                 headers={"If-Match": '"1"'})
            else:
                response = await client.request(method, url, data={title: "taken over", "name": "taken over",
                                                                   "email": "x@example.com", "roles": "administrator",
                                                                   "user": str(a.id), "_version": "1"})
            answered[f"{method} {url}"] = response.status_code
        after = await snapshot()
    wrong = {call: status for call, status in answered.items() if status != 404}
    assert wrong == {}
    assert len(answered) >= 20, answered  # the walk found the id routes
    assert differences(before, after) == {}
