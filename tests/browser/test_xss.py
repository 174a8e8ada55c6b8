"""S7: stored XSS payloads (tests/browser/xss_payloads.txt) rendered in Chromium.

Every payload is stored as a client's name (then renamed to the next payload,
so the timeline shows both), as a contact person's full name and position,
and — when it is a valid address — as both emails. Then the client list,
the list after an htmx search swap, the contact list, every record page
(with its related contacts and timeline), every edit form and a form sent
back with an error are rendered. On every page:

- no script ran: ``window.__xss`` (the payloads' target) and ``alert`` are
  traps, and no dialog opened;
- no markup got in: no event-handler or htmx attribute, no script, image,
  frame, style or other active element the templates do not write, and no
  link whose scheme is not http(s);
- no unexpected request: every request the page made is one the test expects
  (the page itself, the theme, htmx, core's scripts, the list partial);
  anything cross-origin is aborted and recorded;
- no CSP violation: the CSP is the second wall, escaping must be the first;
- the payload shows as text, exactly as typed.
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import CLIENTS, CONTACTS, Api

PAYLOADS = [line for line in (Path(__file__).parent / "xss_payloads.txt").read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("##")]
EMAILISH = re.compile(r"@xss\.example$")
# Static files every page loads (layout.html); anything else on a page is a finding.
STATIC = {"/static/theme.css", "/static/core/theme-toggle.js", "/static/vendor/htmx/htmx.min.js", "/static/core/csrf.js",
          "/favicon.ico", "/static/core/shell.css", "/static/core/entity-ui.js", "/static/vendor/htmx-ext-sse/sse.min.js", "/static/core/notifications.js",
          "/static/core/shell.js", "/static/core/record.css", "/static/core/picker.js", "/static/core/picker.css",
          # the shell's live notifications: every signed-in page opens the stream
          "/notifications/stream"}

TRAP = """
window.__xss_hits = [];
window.__xss = function (n) { window.__xss_hits.push("__xss(" + n + ")"); };
window.alert = window.confirm = window.prompt = function (n) { window.__xss_hits.push("dialog(" + n + ")"); };
document.addEventListener("securitypolicyviolation", function (e) {
  window.__xss_hits.push("csp:" + e.violatedDirective + " " + e.blockedURI);
});
"""

# Elements and attributes the entity templates and the layout never put in <body>.
DOM_CHECK = r"""() => {
  const found = [];
  const SHELL_HTMX = ["shell-live hx-ext", "toasts hx-swap", "global-q hx-get", "global-q hx-trigger", "global-q hx-target",
                      "palette-q hx-get", "palette-q hx-trigger", "palette-q hx-target"];
  // htmx attributes the entity templates write inside <main>, each with the exact value they write:
  // the list's filter form and rows container (one each per page), the rows' sort and page links
  // (hx-get is their own relative href), the record page's pencils (a field's edit form on this site,
  // into its own <dd>) and the "Quick create" buttons (this site's quick route, into the one modal slot).
  const ENTITY_HTMX = {
    "list-filters": {"hx-trigger": "submit, input delay:300ms, change", "hx-target": "#entity-rows", "hx-select": "#entity-rows",
                     "hx-swap": "outerHTML", "hx-push-url": "true", "hx-sync": "this:replace"},
    "entity-rows": {"hx-target": "#entity-rows", "hx-swap": "outerHTML", "hx-push-url": "true",
                    "hx-trigger": "record-changed from:body", "hx-include": "#list-filters", "hx-disinherit": "hx-include"},
    // the create form's warnings box (record_warnings: e.g. a likely duplicate), posted on change
    "record-warnings": {"hx-trigger": "change from:closest form", "hx-include": "closest form", "hx-target": "this",
                        "hx-swap": "innerHTML"},
    // the record page's related lists and timeline, reloaded after a quick create (GET of the page itself)
    "record-related": {"hx-trigger": "record-changed from:body", "hx-target": "this", "hx-swap": "outerHTML", "hx-disinherit": "*"},
  };
  const unique = (id) => id && document.querySelectorAll("#" + CSS.escape(id)).length === 1;
  const entityHtmx = (el, name, value) => {
    const fixed = unique(el.id) && ENTITY_HTMX[el.id];
    if (fixed && (fixed[name] === value || el.id === "list-filters" && name === "hx-get" && value === el.getAttribute("action")))
      return true;
    if (fixed && el.id === "record-warnings" && name === "hx-post" && /^\/[a-z_]+\/[a-z_]+\/new\/check$/.test(value)) return true;
    if (fixed && el.id === "record-related" && name === "hx-get" && value === location.pathname) return true;
    // the list's rows reload themselves (the filter form's own URL and state) after a quick create
    if (fixed && el.id === "entity-rows" && name === "hx-get" && unique("list-filters")
        && value === document.getElementById("list-filters").getAttribute("action")) return true;
    // a record action (record_actions hook) opening a quick create pre-filled from its query string
    if (el.matches(".record-actions > a.button") && unique("modal-slot")) {
      if (name === "hx-get" && /^\/[a-z_]+\/[a-z_]+\/quick\?[A-Za-z0-9_=&%.-]*$/.test(value)) return true;
      if (name === "hx-target" && value === "#modal-slot") return true;
    }
    const pencil = el.matches("dl.record > dd > a.inline-edit") && unique(el.parentElement.id);
    if (name === "hx-get" && el.localName === "a" && value === el.getAttribute("href")) {
      if (el.matches("#entity-rows thead th > a, #entity-rows .pager > a") && /^\?[^<>"'\s]*$/.test(value)) return true;
      if (pencil && /^\/[a-z_]+\/[a-z_]+\/[0-9a-f-]{36}\/fields\/[a-z0-9_]+\/edit$/.test(value)) return true;
    }
    if (pencil && name === "hx-target" && value === "#" + el.parentElement.id) return true;
    if (el.localName === "button" && el.type === "button" && unique("modal-slot")) {
      if (name === "hx-get" && /^\/[a-z_]+\/[a-z_]+\/quick(\?[a-z_]+=[0-9a-f-]{36})?$/.test(value)) return true;
      if (name === "hx-target" && value === "#modal-slot") return true;
    }
    return false;
  };
  const active = "script, img, svg, math, iframe, frame, object, embed, style, link, meta, base, video, audio, source, "
    + "template, marquee, details, noscript, keygen, isindex, x, main form form";
  // The record page's two kinds of collapsed blocks are the templates' own (closed when the page comes).
  const ownDetails = "main > details.record-details:not([open]), main section.record-section > details.empty-fields:not([open]), "
    + "main section.record-section details.history-created:not([open]), "
    // the list's field filters and bulk form, folded on a phone (entity-ui.js)
    + "main form#list-filters > details.list-more, main > details.bulk-fold";
  for (const el of document.body.querySelectorAll(active))
    if (!(el.localName === "details" && el.matches(ownDetails))) found.push("element <" + el.localName + ">");
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      // htmx attributes the templates write: the list's search box, and the shell's own
      // elements in the header (never inside <main>, where stored values are rendered).
      const shell = SHELL_HTMX.includes(el.id + " " + name) && !el.closest("main") && document.querySelectorAll("#" + el.id).length === 1;
      const htmx = /^(data-)?hx-/.test(name) && !shell && !entityHtmx(el, name, attr.value);
      if (name.startsWith("on") || htmx || name === "srcdoc" || name === "contenteditable" || name === "autofocus" && el.id !== "login-email")
        found.push("attribute " + name + " on <" + el.localName + ">");
    }
  }
  for (const a of document.querySelectorAll("a[href], area[href], form[action], button[formaction]")) {
    const url = new URL(a.getAttribute("href") || a.getAttribute("action") || a.getAttribute("formaction"), location.href);
    // The record header's phone and e-mail facts are tel:/mailto: links (their value percent-encoded).
    const contact = (url.protocol === "tel:" || url.protocol === "mailto:") && a.closest(".key-facts") && !/['"<>\s]/.test(url.href);
    if (url.origin !== location.origin && !contact) found.push("link to " + url.href);
  }
  if (document.querySelectorAll("main").length !== 1) found.push("main replaced");
  const scripts = [...document.scripts].map(s => new URL(s.src, location.href).pathname).sort();
  // Lists and record pages add their htmx glue (inline edit, quick create); forms do not.
  // They and the record forms load the record picker too (reference fields, inline edit, quick
  // create): those templates put its stylesheet in <head>, where a stored value cannot reach.
  const entityPage = document.head.querySelector('link[href="/static/core/picker.css"]');
  const entityUi = entityPage ? "/static/core/entity-ui.js " : "";
  const picker = entityPage ? "/static/core/picker.js " : "";
  if (scripts.join(" ") !== "/static/core/csrf.js " + entityUi + "/static/core/notifications.js " + picker + "/static/core/shell.js /static/core/theme-toggle.js "
      + "/static/vendor/htmx-ext-sse/sse.min.js /static/vendor/htmx/htmx.min.js")
    found.push("scripts " + scripts.join(" "));
  return found;
}"""


class Guard:
    """Watches one page: dialogs, page errors, requests (cross-origin ones aborted)."""

    def __init__(self, context, origin: str):
        self.origin, self.findings, self.requests = origin, [], []
        context.add_init_script(TRAP)
        context.route(re.compile(r".*"), self._route)
        self.page = context.new_page()
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda error: self.findings.append(f"page error: {error}"))
        self.page.on("request", lambda request: self.requests.append(request.url))

    def _route(self, route):
        if route.request.url.startswith(self.origin + "/"):
            route.continue_()
        else:
            self.findings.append(f"cross-origin request {route.request.url}")
            route.abort()

    def _dialog(self, dialog):
        self.findings.append(f"dialog {dialog.type}: {dialog.message}")
        dialog.dismiss()

    def visit(self, path: str) -> None:
        # The deferred scripts (htmx, core's) have run by DOMContentLoaded, and the
        # parser has started any request injected markup would make.
        response = self.page.goto(path, wait_until="domcontentloaded")
        assert response.status in (200, 422), f"{path}: {response.status}"
        self.check(path)

    def check(self, where: str, expected_paths: set[str] = frozenset()) -> None:
        hits, dom = self.page.evaluate(f"() => [window.__xss_hits, ({DOM_CHECK})()]")
        found = [f"{where}: {f}" for f in hits + dom]
        page_path = urlsplit(self.page.url).path
        for url in self.requests:
            parts = urlsplit(url)
            if url.startswith(self.origin + "/") and parts.path in STATIC | {page_path} | set(expected_paths):
                continue
            # A request the CSP blocked never reaches the route above, but the page still asked for it.
            kind = "unexpected request" if url.startswith(self.origin + "/") else "cross-origin request"
            found.append(f"{where}: {kind} {url}")
        self.requests.clear()
        self.findings += found
        assert self.findings == [], "\n".join(self.findings[:40])


@pytest.fixture(scope="module")
def stored(browser, browser_context_args, admin_state) -> dict:
    """Every payload stored through the JSON API (as the administrator)."""
    context = browser.new_context(**browser_context_args, storage_state=admin_state)
    api = Api(context.new_page())
    # Ten digits that are both a valid INN (the last digit is the checksum the contacts plugin
    # verifies) and, after +7, a valid mobile number: one search finds every stored row.
    body = [int(d) for d in "915"] + [random.randint(0, 9) for _ in range(6)]
    digits = "".join(map(str, body)) + str(sum(w * d for w, d in zip((2, 4, 10, 3, 5, 9, 4, 6, 8), body)) % 11 % 10)
    clients, contacts, refused = [], [], {}
    for i, payload in enumerate(PAYLOADS):
        email = {"email": payload} if EMAILISH.search(payload) else {}
        response = api.page.request.post(f"/api{CLIENTS}", data={"name": payload, "inn": digits, **email}, headers=api.headers)
        if response.status == 422:
            refused[payload] = response.json()
            continue
        assert response.status == 201, f"{payload!r}: {response.status} {response.text()[:300]}"
        clients.append({"payload": payload, "row": response.json()})
        contacts.append(api.create(CONTACTS, full_name=payload, position=payload, client=response.json()["id"],
                                   phone=f"+7 {digits}", **email))
    # Rename each client to the next stored payload: the timeline then shows both.
    for i, client in enumerate(clients):
        client["renamed"] = clients[(i + 1) % len(clients)]["payload"]
        client["row"] = api.update(CLIENTS, client["row"], name=client["renamed"])
    context.close()
    assert len(clients) >= 50, f"only {len(clients)} payloads stored; refused: {refused}"
    return {"digits": digits, "clients": clients, "contacts": contacts, "refused": refused}


@pytest.fixture
def guard(new_context, admin_state, base_url) -> Guard:
    return Guard(new_context(storage_state=admin_state), base_url)


def test_payload_file_has_enough_variety():
    assert len(PAYLOADS) >= 50
    for needle in ("hx-get", "hx-on", "javascript:", "onerror", "<svg", "{{7*7}}", "<script"):
        assert any(needle in p for p in PAYLOADS), needle


def test_lists_and_the_htmx_swap_render_payloads_as_text(guard, stored):
    digits, clients = stored["digits"], stored["clients"]
    guard.visit(f"{CLIENTS}/?q={digits}&limit=200")
    cells = guard.page.locator("#entity-rows tbody tr td:nth-child(2)").all_text_contents()
    assert sorted(cells) == sorted(c["renamed"] for c in clients)
    guard.visit(f"{CONTACTS}/?q={digits}&limit=200")
    assert sorted(guard.page.locator("#entity-rows tbody tr td:nth-child(2)").all_text_contents()) == sorted(
        c["payload"] for c in clients)
    # Search as you type: htmx swaps the payload rows into the page.
    guard.visit(f"{CLIENTS}/")
    with guard.page.expect_response(lambda r: f"q={digits}" in r.url):
        guard.page.get_by_label("Search", exact=True).fill(digits)  # the list's search, not the shell's "Search everything"
    expect(guard.page.locator("#entity-rows tbody tr")).to_have_count(min(len(clients), 50))  # the first page
    guard.check("the list after the htmx swap", expected_paths={f"{CLIENTS}/"})


def test_record_pages_with_related_contacts_and_timeline_render_payloads_as_text(guard, stored):
    for client in stored["clients"]:
        guard.visit(f"{CLIENTS}/{client['row']['id']}")
        page = guard.page
        assert page.locator("main h1").text_content() == client["renamed"]
        assert page.title() == " ".join(f"{client['renamed']} · Klientela".split())  # titles collapse whitespace
        related = page.locator("section").filter(has=page.get_by_role("heading", name="Contact persons"))
        assert related.locator("td").all_text_contents()[:2] == [client["payload"], client["payload"]]
        history = page.locator(".timeline").text_content()
        assert client["payload"] in history and client["renamed"] in history, history
    contact = stored["contacts"][0]
    guard.visit(f"{CONTACTS}/{contact['id']}")
    assert guard.page.locator("main h1").text_content() == contact["full_name"]


def test_forms_keep_payloads_as_values(guard, stored):
    for client in stored["clients"]:
        guard.visit(f"{CLIENTS}/{client['row']['id']}/edit")
        assert guard.page.get_by_label("Name").input_value() == client["renamed"]
    # A form sent back with an error shows the typed payload as the field's value.
    payload = stored["clients"][0]["payload"]
    guard.visit(f"{CLIENTS}/new")
    guard.page.get_by_label("Name").fill(payload)
    guard.page.get_by_label("Tax ID (INN").fill("not digits")
    with guard.page.expect_navigation(wait_until="domcontentloaded"):
        guard.page.get_by_role("button", name="Save").click()
    # (typing asks the form's duplicate check, record_warnings: the one request the form makes)
    guard.check("the new form with an error", expected_paths={f"{CLIENTS}/", f"{CLIENTS}/new/check"})
    assert guard.page.locator("#e-inn").is_visible()
    assert guard.page.get_by_label("Name").input_value() == payload


def test_the_guard_sees_what_a_working_payload_would_do(guard):
    """The checks above can fail: markup put in the page by hand is caught by each of them."""
    guard.visit(f"{CLIENTS}/")
    guard.page.evaluate("""() => {
        document.querySelector("main").insertAdjacentHTML("beforeend",
            '<img src="http://xss.invalid/p.png"><div hx-get="/api/contacts/client">x</div>');
        window.__xss(1);
        alert(2);
        fetch("/api/contacts/client");
    }""")
    guard.page.wait_for_timeout(200)
    with pytest.raises(AssertionError) as caught:
        guard.check("a page with injected markup")
    report = str(caught.value)
    for finding in ("element <img>", "attribute hx-get", "__xss(1)", "dialog(2)", "cross-origin request http://xss.invalid/p.png",
                    "unexpected request", "/api/contacts/client"):
        assert finding in report, (finding, report)
    guard.findings.clear()
