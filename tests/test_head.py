"""HEAD is answered wherever GET is (uptime monitors probe with HEAD): same status and headers, no body."""


async def test_head_on_home_health_and_a_page_matches_get_without_a_body(client, anonymous):
    for path in ("/", "/health", "/contacts/client/", "/static/core/shell.css"):
        got, head = await client.get(path), await client.head(path)
        assert head.status_code == got.status_code == 200, path
        assert head.content == b"", path
        assert head.headers["content-type"] == got.headers["content-type"], path
        assert head.headers.get("content-length"), path  # the length the GET body has
    # Anonymous: the home page's redirect to the sign-in form, as for GET.
    got, head = await anonymous.get("/"), await anonymous.head("/")
    assert head.status_code == got.status_code and head.headers.get("location") == got.headers.get("location")
    assert (await anonymous.head("/health")).status_code == 200
