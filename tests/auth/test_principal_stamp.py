"""The principal stamp (core.auth.stamp): every write path that can change a principal
moves it — whoever writes, since triggers in the database move it — and the touches
every request makes do not (or no principal would stay cached)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from core.auth import org, sessions, stamp, tokens, users
from core.auth.common import fetch, on_postgres, utcnow
from core.auth.tables import ApiToken, Department, Session, Team, User
from core.db.engine import get_engine
from core.permissions.roles import write_grants
from core.permissions.tables import Role, RoleFieldRule
from core.testing.fixtures import custom_role, make_settings


async def moved(action) -> bool:
    before = await stamp.current()
    await action()
    return await stamp.current() != before


async def installed_triggers() -> set[str]:
    if on_postgres():
        rows = await fetch("SELECT tgname AS name FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE {}", stamp.TRIGGER_PREFIX + "%")
    else:
        rows = await fetch("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE {}", stamp.TRIGGER_PREFIX + "%")
    return {r["name"] for r in rows}


async def test_the_installed_triggers_are_the_plan_and_every_quiet_column_exists(accounts):
    assert await installed_triggers() == {t.name for t in stamp.trigger_plan()}
    assert await stamp.ensure_stamp() == []  # idempotent: nothing to do the second time
    watched = {t._meta.tablename: {c._meta.db_column_name for c in t._meta.columns} for t in stamp.watched_tables()}
    for table, columns in stamp.QUIET.items():
        assert table in watched, table
        assert set(columns) <= watched[table], (table, set(columns) - watched[table])
        assert all(reason.strip() for reason in columns.values())
    for table, column in stamp.BACKWARDS.items():
        assert column in stamp.QUIET[table]
    assert stamp.QUIET_INSERTS <= set(watched)


async def test_a_changed_definition_replaces_the_old_triggers(accounts, monkeypatch):
    before = await installed_triggers()
    quiet_user = {k: v for k, v in stamp.QUIET["core_user"].items() if k != "home_layout"}
    monkeypatch.setitem(stamp.QUIET, "core_user", quiet_user)
    try:
        assert await stamp.ensure_stamp() == ["1 trigger(s) on core_user"]
        now = await installed_triggers()
        assert now == {t.name for t in stamp.trigger_plan()} and now != before
        user = (await User.select(User.id).first())["id"]
        assert await moved(lambda: User.update({User.home_layout: ""}).where(User.id == user))
    finally:
        monkeypatch.undo()
        await stamp.ensure_stamp()
    assert await installed_triggers() == before


@pytest.fixture
async def world(make_user):
    """A user in a team and a sub-department, with a role, a session and a token."""
    suffix = uuid.uuid4().hex[:8]
    role = await custom_role({"contacts.client.read": "own"})
    user = await make_user(team=f"Stamp {suffix}", department=f"Stamp {suffix}/Below")
    await users.set_roles(user.id, [role.key])
    session = await sessions.create_session(user.id, make_settings())
    token, _ = await tokens.create_token(user.id, "stamp")
    team = await org.team_by_name(f"Stamp {suffix}")
    below = await Department.objects().where(Department.id == user.department).first()
    return {"user": user, "role": role, "session": session, "token": token, "team": team, "below": below, "suffix": suffix}


async def test_every_write_path_of_a_principal_moves_the_stamp(world, make_user):
    user, role, team, below = world["user"], world["role"], world["team"], world["below"]
    uid = user.id
    other_team = await org.create_team(f"Stamp other {world['suffix']}")
    elsewhere = await org.create_department(f"Stamp elsewhere {world['suffix']}")
    settings = make_settings()

    async def a_new_user():
        await users.create_user(f"stamp-{uuid.uuid4().hex[:8]}@klientela-tests.example", password="a-long-password-1", department=below.id)

    async def a_field_rule():
        await RoleFieldRule.insert(RoleFieldRule(role=role.id, entity="contacts.client", field="phone", access="hidden"))

    async def a_deleted_role():
        doomed = await custom_role({"contacts.client.read": "all"})
        await users.set_roles(uid, [role.key, doomed.key])
        before = await stamp.current()
        await Role.delete().where(Role.id == doomed.id)  # the user's role row goes by cascade
        assert await stamp.current() != before

    async def a_deleted_team():
        doomed = await org.create_team(f"Stamp doomed {uuid.uuid4().hex[:6]}")
        await org.add_member(doomed.id, uid)
        before = await stamp.current()
        await org.delete_team(doomed.id)  # the membership goes by cascade
        assert await stamp.current() != before

    async def a_deleted_department_with_members():
        doomed = await org.create_department(f"Stamp doomed {uuid.uuid4().hex[:6]}")
        colleague = await make_user()
        await users.set_department(colleague.id, doomed.id)
        before = await stamp.current()
        await org.delete_department(doomed.id)  # the member's department is set null by the foreign key
        assert await stamp.current() != before

    async def a_second_session_ended():
        extra = await sessions.create_session(uid, settings)
        await sessions.delete_session(extra.token)

    async def a_raw_sql_write():
        await fetch("UPDATE core_role_grant SET scope = {} WHERE role = {}", "team", role.id)

    paths = {
        "create a user (department members of others change)": a_new_user,
        "set roles": lambda: users.set_roles(uid, [role.key, "read_only"]),
        "set teams": lambda: users.set_teams(uid, [team.id, other_team.id]),
        "leave a team": lambda: org.remove_member(other_team.id, uid),
        "add to a team": lambda: org.add_member(other_team.id, uid),
        "set department": lambda: users.set_department(uid, elsewhere.id),
        "move a department": lambda: org.move_department(elsewhere.id, below.id),
        "delete a department with members": a_deleted_department_with_members,
        "delete a team": a_deleted_team,
        "write grants (role editor, role sync)": lambda: write_grants(role.id, {"contacts.client.read": "all"}),
        "add a field rule": a_field_rule,
        "delete field rules": lambda: RoleFieldRule.delete().where(RoleFieldRule.role == role.id),
        "delete a role": a_deleted_role,
        "any writer, raw SQL": a_raw_sql_write,
        "choose a language": lambda: User.update({User.language: "ru"}).where(User.id == uid),
        "choose a time zone": lambda: User.update({User.timezone: "Asia/Vladivostok"}).where(User.id == uid),
        "rename the user": lambda: User.update({User.name: "Renamed"}).where(User.id == uid),
        "sign out (a session ends)": a_second_session_ended,
        "set a session's activity back": lambda: Session.update({Session.last_seen_at: utcnow() - timedelta(minutes=5)}).where(
            Session.id == world["session"].id
        ),
        "set a token's use back to never": lambda: ApiToken.update({ApiToken.last_used_at: None}).where(ApiToken.id == world["token"].id),
        "revoke a token": lambda: tokens.revoke_token(world["token"].id),
        "change one's password (other sessions end)": lambda: users.change_password(uid, "another-long-password-2"),
        "reset a password": lambda: users.reset_password(uid),
        "deactivate": lambda: users.deactivate_user(uid),
        "reactivate": lambda: users.reactivate_user(uid),
        "end every session": lambda: Session.delete().where(Session.user == uid),
    }
    # Sessions and tokens to end and revoke for the paths above that need one.
    await ApiToken.update({ApiToken.last_used_at: utcnow()}).where(ApiToken.id == world["token"].id)
    still = []
    for label, action in paths.items():
        if label == "end every session":
            await sessions.create_session(uid, settings)
        if label == "reset a password":
            await tokens.create_token(uid, "to be revoked by the reset")
        if not await moved(action):
            still.append(label)
    assert still == [], f"these writes left the stamp where it was: {still}"


async def test_the_touches_of_every_request_and_new_rows_leave_the_stamp_alone(world):
    user, session, token = world["user"], world["session"], world["token"]
    settings = make_settings()
    later = utcnow() + timedelta(minutes=2)
    quiet = {
        "touch a session": lambda: sessions.touch(session.id, later),
        "touch a token": lambda: ApiToken.update({ApiToken.last_used_at: later}).where(ApiToken.id == token.id),
        "sign in: a new session": lambda: sessions.create_session(user.id, settings),
        "a new token": lambda: tokens.create_token(user.id, "quiet"),
        "record the sign-in time": lambda: User.update({User.last_login_at: utcnow()}).where(User.id == user.id),
        "arrange the home page": lambda: User.update({User.home_layout: ""}).where(User.id == user.id),
        "a new department": lambda: org.create_department(f"Stamp quiet {uuid.uuid4().hex[:6]}"),
        "rename a department": lambda: org.rename_department(user.department, f"Renamed {uuid.uuid4().hex[:6]}"),
        "a new team, renamed": lambda: _new_team_renamed(),
        "relabel a role": lambda: Role.update({Role.label_en: "Relabelled"}).where(Role.id == world["role"].id),
    }
    moving = [label for label, action in quiet.items() if await moved(action)]
    assert moving == [], f"these writes change no principal but moved the stamp (every worker would rebuild): {moving}"


async def _new_team_renamed():
    team = await org.create_team(f"Stamp quiet {uuid.uuid4().hex[:6]}")
    await Team.update({Team.name: f"Stamp quieter {uuid.uuid4().hex[:6]}"}).where(Team.id == team.id)


async def test_the_stamp_moves_with_the_commit_not_before(world):
    """A reader never sees the new stamp while the change itself is not visible yet."""
    engine = get_engine()
    before = await stamp.current()
    if on_postgres():
        async with engine.transaction():
            await users.set_department(world["user"].id, None)
            assert await stamp.current() == before  # another connection: the change is not committed
    else:
        from core.db.engine import write_transaction

        async with write_transaction(engine):
            await users.set_department(world["user"].id, None)
            assert await stamp.current() == before
    assert await stamp.current() != before
