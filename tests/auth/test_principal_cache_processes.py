"""Two real app processes (``klientela serve``) on one database, each keeping principals
in its own memory: a change made through one holds on the very next request to the other."""

from __future__ import annotations

import httpx

from core.auth.tokens import create_token
from core.auth.users import set_roles
from core.testing.clients import login
from core.testing.fixtures import ADMIN_EMAIL, ADMIN_PASSWORD, USER_PASSWORD, custom_role
from tests.auth.helpers import role_form

READ = "contacts.client.read"


async def me(client: httpx.AsyncClient) -> httpx.Response:
    return await client.get("/api/auth/me")


async def test_a_change_through_one_process_holds_on_the_next_request_to_the_other(two_servers, make_user):
    on_a, on_b = two_servers
    role = await custom_role({READ: "all"})
    user = await make_user()
    await set_roles(user.id, [role.key])
    token_row, token = await create_token(user.id, "two processes")

    async with (
        httpx.AsyncClient(base_url=on_a) as admin,
        httpx.AsyncClient(base_url=on_b) as session,
        httpx.AsyncClient(base_url=on_b, headers={"Authorization": f"Bearer {token}"}) as api,
    ):
        await login(admin, ADMIN_EMAIL, ADMIN_PASSWORD)
        await login(session, user.email, USER_PASSWORD)
        for _ in range(2):  # B keeps both principals
            assert (await me(session)).json()["scopes"][READ] == "all"
            assert (await me(api)).json()["scopes"][READ] == "all"

        # A grant changed in the role editor served by A.
        form = await role_form(admin, role.key)
        assert (await admin.post(f"/admin/roles/{role.key}", data={**form, f"grant.{READ}": "own"})).status_code == 303
        assert (await me(session)).json()["scopes"][READ] == "own"
        assert (await me(api)).json()["scopes"][READ] == "own"

        # The user's roles changed through A.
        assert (await admin.post(f"/admin/users/{user.id}/roles", data={"roles": []})).status_code == 303
        assert (await me(session)).json()["permissions"] == []
        assert (await me(api)).json()["permissions"] == []
        assert (await admin.post(f"/admin/users/{user.id}/roles", data={"roles": [role.key]})).status_code == 303
        assert (await me(api)).json()["scopes"][READ] == "own"

        # The token revoked through A.
        assert (await admin.post(f"/admin/users/{user.id}/tokens/{token_row.id}/revoke")).status_code == 303
        assert (await me(api)).status_code == 401
        assert (await me(session)).status_code == 200

        # The user deactivated through A.
        assert (await admin.post(f"/admin/users/{user.id}/deactivate")).status_code == 303
        assert (await me(session)).status_code == 401
