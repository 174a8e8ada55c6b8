"""What the browser tests share: axe-core, the REST API through the browser's session, markers."""

from __future__ import annotations

import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# axe-core comes from npm (package-lock.json) and is injected by the test
# through the DevTools protocol, which the page's CSP does not govern; the app
# itself never serves it.
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CLIENTS = "/contacts/client"
CONTACTS = "/contacts/contact"
BLOCKING = ("serious", "critical")

_RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " :: " + (n.failureSummary || "").split("\\n").slice(1, 2).join("")),
  }));
}"""


def use_axe(context) -> None:
    """Make axe-core available on every page the context opens."""
    assert AXE.is_file(), f"{AXE} is missing: run npm ci (axe-core is a devDependency in package.json)"
    context.add_init_script(path=str(AXE))


def axe_violations(page) -> list[dict]:
    """The serious and critical axe-core violations of the page as it is now."""
    return [v for v in page.evaluate(_RUN_AXE) if v["impact"] in BLOCKING]


def describe(violations: list[dict]) -> str:
    return "\n".join(f"{v['impact']} {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in violations)


def marker() -> str:
    """A string to find this test's rows by search (letters and digits only)."""
    return f"bt{uuid.uuid4().hex[:10]}"


def shell_ready(page) -> None:
    """Wait until the shell's deferred script listens to keys on the page now shown.

    After an in-page navigation (a click, Enter, a shortcut) the URL changes
    before deferred scripts run; a key pressed in that gap is lost. shell.js
    unhides the "Go to…" hint once it is live, so that hint is the signal.
    """
    from playwright.sync_api import expect

    page.wait_for_load_state("domcontentloaded")
    expect(page.locator("#palette-open")).to_be_visible()


def csrf_token(page) -> str:
    return page.locator('meta[name="csrf-token"]').get_attribute("content")


class Api:
    """The JSON API through the page's own session (cookies and CSRF token), as htmx would call it."""

    def __init__(self, page):
        self.page = page
        if not page.url.startswith("http"):
            page.goto("/")
        self.headers = {"X-CSRF-Token": csrf_token(page)}

    def create(self, path: str, **values) -> dict:
        response = self.page.request.post(f"/api{path}", data=values, headers=self.headers)
        assert response.status == 201, f"{path} {values!r}: {response.status} {response.text()[:500]}"
        return response.json()

    def update(self, path: str, record: dict, **values) -> dict:
        headers = {**self.headers, "If-Match": f'"{record["version"]}"'}
        response = self.page.request.patch(f"/api{path}/{record['id']}", data=values, headers=headers)
        assert response.status == 200, f"{path} {values!r}: {response.status} {response.text()[:500]}"
        return response.json()

    def get(self, path: str, record_id: str):
        return self.page.request.get(f"/api{path}/{record_id}")


def drag(page, card, target) -> None:
    """Drag with the mouse in small steps, as a person does (Sortable follows pointer moves)."""
    start, end = card.bounding_box(), target.bounding_box()
    page.mouse.move(start["x"] + 10, start["y"] + 8)
    page.mouse.down()
    page.mouse.move(start["x"] + 30, start["y"] + 20, steps=5)
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] / 2, steps=15)
    page.mouse.up()


def board_column(page, label):
    """A kanban board's column by its heading's label."""
    return page.locator(".kanban-column").filter(has=page.locator(".kanban-label", has_text=label))
