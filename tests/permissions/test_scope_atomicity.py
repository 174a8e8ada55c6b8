"""Issue 14, S3: a write's scope check, the write, its audit rows and its notification are one
step in the database, also against another process.

A second process (its own engine and pool, as a second app server would have)
keeps moving a task between its assignee and a user of another department,
while this process has the assignee forward it to a teammate (the task
workflow: assign scope checked, owner written, audited, the new assignee
notified). Whatever interleaving happens, every forward that was written was
made while the task was the assignee's, and every notification sent belongs
to a forward that was written — none for a refused one.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import textwrap
import uuid

from core.auth.passwords import cheap_hashing_for_tests
from core.auth.principals import principal_for_user
from core.auth.tables import User
from core.permissions.errors import GateError
from core.permissions.gate import Gate
from core.testing.fixtures import ADMIN_EMAIL

FLIPS = 40

# The other process: as the administrator, give the task back to the assignee
# when someone else holds it, else to the user of the other department.
OTHER_PROCESS = textwrap.dedent("""
    import asyncio, json, sys
    from core.app import create_app
    from core.auth.principals import principal_for_user
    from core.db.engine import close_pool, get_engine, start_pool
    from core.permissions.errors import Conflict
    from core.permissions.gate import Gate

    task, me, other, admin, flips = sys.argv[1:6]

    async def main():
        app = create_app()
        kernel = app.state.kernel
        await start_pool(get_engine(), kernel.settings)
        gate = Gate(kernel, kernel.entities["contacts.task"], await principal_for_user(admin, via="system"))
        done = 0
        try:
            while done < int(flips):
                row = await gate.get(task)
                target = me if str(row["owner_id"]) != me else other
                try:
                    await gate.update(task, {"owner_id": target}, row["version"])
                    done += 1
                except Conflict:
                    pass
        finally:
            await close_pool(get_engine())
        print(json.dumps({"flips": done}))

    asyncio.run(main())
""")


async def test_forwards_and_their_notifications_hold_against_another_process(app_factory, make_user, accounts):
    from piccolo.querystring import QueryString

    from core.db.engine import get_engine
    from core.notifications.tables import Notification
    from plugins.contacts.tasks import step

    kernel = app_factory().state.kernel
    suffix = uuid.uuid4().hex[:8]
    with cheap_hashing_for_tests():
        me = await make_user(roles=["sales_manager"], team=f"T-{suffix}", department="Sales/North")
        mate = await make_user(roles=["sales_manager"], team=f"T-{suffix}", department="Sales/North")
        other = await make_user(roles=["sales_manager"], team=f"S-{suffix}", department="Service")
    admin = await User.objects().where(User.email == ADMIN_EMAIL).first()
    admin_gate = Gate(kernel, kernel.entities["contacts.task"], await principal_for_user(admin.id, via="system"))
    task = await admin_gate.create({"title": f"race {suffix}", "owner_id": str(me.id)})
    settings = kernel.settings
    env = {**os.environ, "KLIENTELA_DATABASE_URL": settings.resolved_database_url, "KLIENTELA_DATA_DIR": str(settings.data_dir),
           "KLIENTELA_EDITION": settings.edition, "KLIENTELA_SECRET_KEY": settings.secret_key, "KLIENTELA_JOBS_IN_PROCESS": "false"}
    other_process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", OTHER_PROCESS, str(task["id"]), str(me.id), str(other.id), str(admin.id), str(FLIPS),
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    actor = await principal_for_user(me.id)
    attempts = refused = 0
    while other_process.returncode is None:
        attempts += 1
        try:
            await step(kernel, actor, str(task["id"]), "forward", to_user=str(mate.id))
        except GateError:
            refused += 1
        try:
            await asyncio.wait_for(other_process.wait(), 0.01)
        except asyncio.TimeoutError:
            pass
    out, err = await other_process.communicate()
    assert other_process.returncode == 0, err.decode()[-3000:]
    assert json.loads(out)["flips"] == FLIPS
    audit = await get_engine().run_querystring(QueryString(
        'SELECT "old_value", "new_value" FROM "core_audit_change" WHERE "record_id" = {} AND "actor_id" = {} AND "field" = \'owner_id\'',
        task["id"], me.id))
    notified = await Notification.count().where((Notification.user_id == mate.id) & (Notification.url == f"/contacts/task/{task['id']}"))
    forwards = [(json.loads(r["old_value"]), json.loads(r["new_value"])) for r in audit]
    assert forwards, f"no forward got through in {attempts} attempts; the race was not run"
    # Every forward written was made while the task was the assignee's, to the teammate ...
    assert all(old == str(me.id) and new == str(mate.id) for old, new in forwards), forwards
    # ... and exactly the written ones notified the teammate: a refused one sent nothing.
    assert notified == len(forwards), (notified, len(forwards), attempts, refused)
    assert refused > 0, "the other process never got in the way: nothing was proven"
