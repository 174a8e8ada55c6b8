"""Signed-in HTTP clients on an in-process app, for tests, benchmarks and scripts.

No pytest here: the benchmark suite and the example plugin's driver script
use the same sign-in path as the test fixtures — the real login form, so
every measured or tested request goes through the auth middleware, the
guard and CSRF exactly as a browser's would.
"""

from __future__ import annotations

import re

import httpx

BASE_URL = "https://testserver"  # https: the session cookie is Secure

_CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]*)">')
_LOGIN_CSRF = re.compile(r'name="_csrf" value="([^"]*)"')


class SignInFailed(AssertionError):
    pass


async def login(client: httpx.AsyncClient, email: str, password: str, *, csrf_header: bool = True) -> str:
    """Sign in through the real form (GET /login, POST /login); returns the session's CSRF token.

    With ``csrf_header`` (the default) the token is also set as the client's
    ``X-CSRF-Token`` header, as ``csrf.js`` does for htmx in a browser, so the
    client's POSTs pass the CSRF check; drop the header to test the refusal.
    """
    form = await client.get("/login")
    if form.status_code != 200:
        raise SignInFailed(f"GET /login answered {form.status_code}:\n{form.text[:2000]}")
    token = _LOGIN_CSRF.search(form.text).group(1)
    response = await client.post("/login", data={"email": email, "password": password, "_csrf": token})
    if response.status_code != 303:
        raise SignInFailed(f"login as {email} failed ({response.status_code}):\n{response.text[:2000]}")
    page = await client.get("/account/password")
    match = _CSRF_META.search(page.text)
    if not (match and match.group(1)):
        raise SignInFailed("signed in, but the page carries no CSRF token")
    if csrf_header:
        client.headers["X-CSRF-Token"] = match.group(1)
    return match.group(1)


async def logout(client: httpx.AsyncClient) -> None:
    await client.post("/logout")
    client.headers.pop("X-CSRF-Token", None)


class serving:
    """``async with serving(app, login=(email, password)) as client``: startup, an httpx client, shutdown.

    Calls the app's startup/shutdown directly rather than Litestar's lifespan
    context: an async fixture's setup and teardown run in different tasks,
    which anyio's cancel scopes inside the lifespan refuse.
    """

    def __init__(self, app, base_url: str = BASE_URL, login: tuple[str, str] | None = None, client: tuple[str, int] | None = None):
        self.app, self.base_url, self.login, self.peer = app, base_url, login, client

    async def __aenter__(self) -> httpx.AsyncClient:
        from core.app import startup

        await startup(self.app)
        transport = httpx.ASGITransport(app=self.app, client=self.peer or ("127.0.0.1", 123))
        self.client = httpx.AsyncClient(transport=transport, base_url=self.base_url)
        if self.login:
            try:
                await login(self.client, *self.login)
            except BaseException:
                await self.__aexit__()
                raise
        return self.client

    async def __aexit__(self, *exc) -> None:
        from core.app import shutdown

        await self.client.aclose()
        await shutdown(self.app)
