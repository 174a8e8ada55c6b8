"""Screens and API of the duplicate search: scans (as jobs), reports, the merge screen, the entry check.

* ``GET /contacts/duplicates/`` — start a scan (rules as text), the user's scans;
* ``GET /contacts/duplicates/scan/{id}?page=N`` — a report, clusters paged;
* ``GET /contacts/duplicates/merge?ids=a,b`` and ``POST`` — the merge screen;
* ``POST /contacts/duplicates/merges/{id}/undo`` — undo a merge;
* ``POST /contacts/duplicates/check`` — the create form's check as you type
  (htmx, a fragment) and ``POST /contacts/api/duplicates/check`` (JSON) for API
  clients: the API's own create never refuses a duplicate, a client asks first.
"""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath, JSONBody
from litestar.response import Redirect, Response, Template

from core.i18n import _
from core.permissions.errors import GateError, NotFound
from core.permissions.gate import Gate
from core.permissions.request import principal_of
from core.web.api_errors import api_errors
from plugins.contacts.dedupe.rules import DEFAULT_RULES, RuleError, parse

READ = "contacts.client.read"
PER_PAGE = 20


def _kernel(request: Request):
    return request.app.state.kernel


class DuplicateScreens(Controller):
    path = "/contacts/duplicates"

    @get("/", opt={"permission": READ}, name="contacts:duplicates")
    async def index(self, request: Request) -> Template:
        from plugins.contacts.dedupe.scan import list_scans

        return Template("contacts/dedupe/index.html", context={
            "scans": await list_scans(principal_of(request)), "rules": "\n".join(DEFAULT_RULES), "error": None,
            "job_id": request.query_params.get("job")})

    @post("/scan", opt={"permission": READ}, name="contacts:duplicates-scan", status_code=200)
    async def start(self, request: Request) -> Template | Redirect:
        from core.jobs import enqueue
        from plugins.contacts.dedupe.jobs import KIND
        from plugins.contacts.dedupe.scan import list_scans

        form = await request.form()
        principal = principal_of(request)
        text = str(form.get("rules") or "")
        try:
            ruleset = parse(text, veto=("tax_id",) if form.get("veto") else (), max_block=int(form.get("max_block") or 1000))
        except (RuleError, ValueError) as exc:
            return Template("contacts/dedupe/index.html", status_code=400, context={
                "scans": await list_scans(principal), "rules": text, "error": str(exc), "job_id": None})
        payload = {k: v for k, v in ruleset.to_json().items()}
        job_id = await enqueue(_kernel(request), KIND, payload, user_id=principal.user_id)
        return Redirect(f"/contacts/duplicates/?job={job_id}", status_code=303)

    @get("/scan/{scan_id:str}", opt={"permission": READ}, name="contacts:duplicates-report")
    async def report(self, request: Request, scan_id: FromPath[str]) -> Template:
        from plugins.contacts.dedupe.scan import report_page

        try:
            page = max(1, int(request.query_params.get("page") or 1))
        except ValueError:
            page = 1
        data = await report_page(_kernel(request), principal_of(request), scan_id, page, PER_PAGE)
        return Template("contacts/dedupe/report.html", context=data)

    @get("/merge", opt={"permission": READ}, name="contacts:duplicates-merge")
    async def merge_screen(self, request: Request) -> Template:
        ids = [i for i in (request.query_params.get("ids") or "").split(",") if i]
        survivor = request.query_params.get("survivor") or (ids[0] if ids else "")
        return await self._screen(request, survivor, [i for i in ids if i != survivor], None)

    async def _screen(self, request, survivor, merged, error, status=200) -> Template:
        from plugins.contacts.dedupe.merge import MergeError, load, mergeable_fields

        try:
            gate, row, others = await load(_kernel(request), principal_of(request), survivor, merged)
        except MergeError as exc:
            return Template("contacts/dedupe/merge.html", status_code=400, context={"error": str(exc), "records": [], "fields": []})
        from core.entities.values import display_rows

        lang = principal_of(request).language
        fields = [{"name": f.name, "label": f.label_for(lang),
                   "differs": len({str(r.get(f.name)) for r in [row, *others]}) > 1} for f in mergeable_fields(gate)]
        # Each value as people read it: choice labels, linked records and users by name.
        shown = {str(d["id"]): {n: c["text"] for n, c in d["cells"].items()}
                 for d in await display_rows(gate, [row, *others], mergeable_fields(gate), principal_of(request))}
        return Template("contacts/dedupe/merge.html", status_code=status, context={
            "error": error, "survivor": row, "records": [row, *others], "fields": fields, "shown": shown})

    @post("/merge", opt={"permission": READ}, name="contacts:duplicates-merge-do", status_code=200)
    async def merge_do(self, request: Request) -> Template | Redirect:
        from plugins.contacts.dedupe.merge import MergeError, merge

        form = await request.form()
        survivor = str(form.get("survivor") or "")
        merged = [m for m in form.getall("ids", []) if m != survivor]
        choices = {k[len("field:"):]: v for k, v in form.items() if k.startswith("field:")}
        version = form.get("version")
        try:
            merge_id = await merge(_kernel(request), principal_of(request), survivor, merged, choices,
                                   int(version) if version and str(version).isdigit() else None)
        except (MergeError, GateError) as exc:
            if isinstance(exc, NotFound):
                raise
            message = str(exc) if isinstance(exc, MergeError) else "; ".join(f"{k}: {v}" for k, v in getattr(exc, "errors", {}).items()) or _("The merge was refused.")
            return await self._screen(request, survivor, merged, message, status=409 if type(exc).__name__ == "Conflict" else 400)
        return Redirect(f"/contacts/duplicates/merges/{merge_id}", status_code=303)

    @get("/merges/{merge_id:str}", opt={"permission": READ}, name="contacts:duplicates-merge-log")
    async def merge_log(self, request: Request, merge_id: FromPath[str]) -> Template:
        from plugins.contacts.dedupe.merge import get_merge, visible_moves

        log = await get_merge(merge_id, principal_of(request))
        moved = await visible_moves(_kernel(request), principal_of(request), log)
        return Template("contacts/dedupe/merged.html", context={"log": log, "moved": moved, "error": None})

    @post("/merges/{merge_id:str}/undo", opt={"permission": READ}, name="contacts:duplicates-undo")
    async def undo(self, request: Request, merge_id: FromPath[str]) -> Template | Redirect:
        from plugins.contacts.dedupe.merge import MergeError, get_merge, undo, visible_moves

        try:
            survivor = await undo(_kernel(request), principal_of(request), merge_id)
        except MergeError as exc:
            log = await get_merge(merge_id, principal_of(request))
            moved = await visible_moves(_kernel(request), principal_of(request), log)
            return Template("contacts/dedupe/merged.html", status_code=409, context={"log": log, "moved": moved, "error": str(exc)})
        return Redirect(f"/contacts/client/{survivor['id']}", status_code=303)

    @post("/check", opt={"permission": READ}, name="contacts:duplicates-check", status_code=200)
    async def check_fragment(self, request: Request) -> Template:
        """The create form's check (htmx, on change): a fragment of warnings."""
        from plugins.contacts.dedupe.check import check_record

        form = await request.form()
        values = {k: form.get(k) for k in ("name", "inn", "phone", "phones", "email", "emails") if form.get(k)}
        exclude = [form.get("id")] if form.get("id") else []
        result = await check_record(_kernel(request), principal_of(request), values, exclude_ids=exclude)
        return Template("contacts/dedupe/check.html", context={"result": result})


class DuplicateApi(Controller):
    path = "/contacts/api/duplicates"

    @post("/check", opt={"permission": READ}, name="contacts:api-duplicates-check", status_code=200,
          responses=api_errors(400, 404))
    async def check(self, request: Request, data: JSONBody[dict]) -> Response:
        """Likely duplicates of a client about to be created: ``{"duplicates": [...], "hidden": [...], "messages": [...]}``.

        Always 200: a duplicate is a warning, the create that follows decides."""
        from plugins.contacts.dedupe.check import check_record

        if not isinstance(data, dict):
            return Response({"detail": "send a JSON object of client fields"}, status_code=400)
        exclude = [data.pop("id")] if data.get("id") else []
        values = {k: v for k, v in data.items() if isinstance(v, (str, list))}
        result = await check_record(_kernel(request), principal_of(request), values, exclude_ids=exclude)
        return Response(result.to_json())

    @post("/merge", opt={"permission": READ}, name="contacts:api-duplicates-merge",
          responses=api_errors(400, 404, 409, 422))
    async def merge(self, request: Request, data: JSONBody[dict]) -> Response:
        """``{"survivor": id, "merged": [ids], "choices": {field: id}, "version": n}`` → ``{"merge_id": ...}`` (201)."""
        from plugins.contacts.dedupe.merge import MergeError, merge

        try:
            merge_id = await merge(_kernel(request), principal_of(request), data.get("survivor"), list(data.get("merged") or []),
                                   dict(data.get("choices") or {}), data.get("version"))
        except MergeError as exc:
            return Response({"detail": str(exc)}, status_code=400)
        return Response({"merge_id": str(merge_id)}, status_code=201)

    @post("/merges/{merge_id:str}/undo", opt={"permission": READ}, name="contacts:api-duplicates-undo", status_code=200,
          responses=api_errors(404, 409))
    async def undo(self, request: Request, merge_id: FromPath[str]) -> Response:
        from plugins.contacts.dedupe.merge import MergeError, undo

        try:
            survivor = await undo(_kernel(request), principal_of(request), merge_id)
        except MergeError as exc:
            return Response({"detail": str(exc)}, status_code=409)
        return Response({"survivor": {k: str(v) if v is not None else None for k, v in survivor.items()}})


ROUTES = [DuplicateScreens, DuplicateApi]
