"""The hook catalogue: every extension point of Klientela, in one file.

Families by verb (see docs/hooks.md):

* ``register_*`` — called once while an app is built; return declarations.
* plural nouns (``menu_items``) — called per request; return contributions.
* ``on_*`` — events; return value ignored.
* ``resolve_*`` — the only ``firstresult`` hooks.

Stability rule: a spec only ever grows by new keyword arguments (pluggy lets an
implementation accept fewer), so a plugin written today keeps working. Every
spec below carries a docstring; a contract test fails when one does not.

``kernel`` everywhere is the :class:`core.kernel.Kernel` of the app being built:
its ``settings``, the resolved ``edition``, ``features.enabled(name)``.
"""

from __future__ import annotations

from core.hooks import hookspec


class KlientelaSpecs:
    @hookspec
    def register_routes(self, kernel):
        """Return Litestar route handlers, controllers or routers for the app.

        Called once per app build, for enabled plugins only. Paths must start
        with ``/<plugin name>/`` (core's own use ``/``). A handler or controller
        (or a handler inside a controller) may set
        ``opt={"feature": "<plugin>.<feature>"}``; it is left out of the app, or
        answers 404, when the edition switches that feature off. Returns a list.
        """

    @hookspec
    def register_entities(self, kernel):
        """Return the :class:`~core.entities.spec.Entity` s the plugin declares.

        Keys are ``<plugin>.<name>`` and each table must belong to the
        plugin's own Piccolo app. From a declaration core derives the list
        view, record page, forms, REST API under ``/api/<plugin>/<name>``,
        the standard permissions ``<key>.<action>`` and import/export. An
        entity with ``feature`` set exists only while that feature is on.
        Called once per app build. Returns a list.
        """

    @hookspec
    def register_permissions(self, kernel):
        """Return the :class:`~core.hooks.contributions.Permission` s the plugin declares.

        Names are ``<plugin>.<entity>.<action>`` and must start with the
        plugin's own name. A permission with ``feature`` set exists only while
        that feature is on. Called once per app build. Returns a list.
        """

    @hookspec
    def register_default_grants(self, kernel):
        """Return :class:`~core.hooks.contributions.DefaultGrant` s: what the stock roles get.

        Each grant names a stock role (administrator, head_of_sales,
        sales_manager, marketer, service_engineer, read_only), a permission
        or ``fnmatch`` pattern that must start with the plugin's own name
        (``"contacts.*.read"``) and a scope (none, own, team, department, all).
        Read when the roles are synchronised (``klientela init``,
        ``klientela db migrate``, ``klientela demo``), not per request; a
        builtin role an administrator edited only receives grants for
        permissions it has never seen. Returns a list.
        """

    @hookspec
    def register_template_globals(self, kernel):
        """Return a dict of names to add to the Jinja environment's globals.

        Keys must be prefixed with the plugin name (``contacts_...``) unless
        contributed by core. Called once per app build.
        """

    @hookspec
    def register_cli_commands(self, kernel):
        """Return ``click`` commands or groups to add under ``klientela``.

        Called when the command line starts, for enabled plugins only. A group
        should be named after the plugin.
        """

    @hookspec
    def register_health_checks(self, kernel):
        """Return :class:`~core.hooks.contributions.HealthCheck` s run by ``GET /health``.

        Each check is an async callable without arguments that raises when the
        component is unhealthy. Called once per app build.
        """

    @hookspec
    def register_jobs(self, kernel):
        """Return :class:`~core.hooks.contributions.JobKind` s and :class:`~core.hooks.contributions.Schedule` s.

        A job kind is background work (``<plugin>.<name>``) enqueued with
        ``core.jobs.enqueue`` and run by a worker as the user who started it;
        a schedule runs a kind periodically (cron, UTC). Called once per app
        build and when a worker starts, for enabled plugins only. Returns a list.
        """

    @hookspec
    def menu_items(self, kernel, request):
        """Return :class:`~core.hooks.contributions.MenuItem` s for this request.

        Called for every full page render. Core drops items whose feature is
        off or whose permission the user lacks, then sorts by ``order``.
        ``request`` is ``None`` when core lists what a plugin would add (the
        dry run of ``klientela plugin enable``): return the full list then.
        """

    @hookspec
    def entity_views(self, kernel, entity):
        """Return :class:`~core.hooks.contributions.EntityView` s: the views of ``entity``'s records.

        Called when a list, board, calendar or map page of ``entity`` (an
        :class:`~core.entities.spec.Entity`) is rendered, for its view
        switcher. Core contributes the list of every entity and the board of
        an entity with a choice field; a plugin adds the views it serves (a
        calendar of interactions, a map of clients). Core drops views whose
        feature is off or whose permission the user lacks. Returns a list.
        """

    @hookspec
    def timeline_entries(self, kernel, entity, record, principal):
        """Return entries for a record's timeline (core's audit trail adds the field history).

        Called when a record page is rendered, only for a record the
        ``principal`` can read. Return a list of dicts with ``at`` (an aware
        datetime), ``kind`` (e.g. "call", "email"), ``text`` and optionally
        ``url`` — and include only what the principal may see (read your own
        rows through the query gate). Async allowed.
        """

    @hookspec
    def search_results(self, kernel, request, query, principal):
        """Return :class:`~core.hooks.contributions.SearchGroup` s for the global search.

        Called as the user types in the shell's search box, on ``/search`` and
        in the command palette, with ``query`` (stripped, at least 2
        characters). Core's own implementation searches every registered
        entity's search fields through the query gate; add non-entity results
        (documents, help pages...) here, and only what ``principal`` may see.
        Keep it fast: it runs on every keystroke (debounced). Async allowed.
        Returns a list.
        """

    @hookspec
    def dashboard_widgets(self, kernel, request):
        """Return :class:`~core.hooks.contributions.DashboardWidget` s for the "my day" home page.

        Called when the home page is rendered. Core drops widgets whose
        feature is off or whose permission the user lacks, sorts by ``order``,
        then calls each widget's ``load(request)`` (async allowed) for the
        context of its template; ``load`` returning ``None`` hides the widget.
        Read entity rows through the query gate with the request's principal.
        Returns a list.
        """

    @hookspec
    def record_panels(self, kernel, entity, record, principal):
        """Return :class:`~core.hooks.contributions.RecordPanel` s for a record page.

        Called when the record page of ``entity`` is rendered, only for a
        record the ``principal`` can read (a client card shows the deals,
        requests and invoices other plugins add here). Read your rows through
        the query gate with ``principal`` and leave a panel out when there is
        nothing the principal may see. Async allowed. Returns a list.
        """

    @hookspec
    def record_actions(self, kernel, entity, record, principal):
        """Return :class:`~core.hooks.contributions.RecordAction` s for a record page's header.

        Called when the record page of ``entity`` is rendered, only for a
        record the ``principal`` can read ("log a call" on a client, "new
        deal" from a sales plugin). Point ``url`` (and ``quick``) at a form
        pre-filled with this record (``?client=<id>``); core drops actions
        whose ``permission`` the principal lacks or whose ``feature`` is off,
        and sorts the rest by ``order``. Keep it cheap: no queries are needed
        for most actions. Async allowed. Returns a list.
        """

    @hookspec
    def record_checks(self, kernel, entity, values, current, principal):
        """Check and normalise a record's values before the query gate writes them.

        Called on every create and update of every entity, whatever the
        channel (forms, API, import, bulk edits, jobs), after each field's own
        validation. ``values`` are the cleaned values being written (on an
        update only the ones sent); ``current`` is the stored row on update,
        ``None`` on create. Return ``None`` or a dict with ``"values"``
        (replacements for keys of ``values``, e.g. a phone in E.164; other
        keys are ignored) and ``"errors"`` (field name -> message): any error
        refuses the write. Async allowed.
        """

    @hookspec
    def on_records_written(self, kernel, entity, writes, principal):
        """Records of ``entity`` were just created or changed: react inside the same transaction.

        Called by the query gate after every create and update (forms, API,
        board moves, bulk edits) and by the import after each batch it
        applies, inside the write's own transaction and after the rows are
        stored: what the hook writes commits or rolls back with them.
        ``writes`` is a list of :class:`~core.hooks.contributions.WrittenRecord`
        (the id, whether it was created, the names of the fields the write
        set). Keep derived columns and bookkeeping rows in step here (the
        sales plugin derives a deal's status from its stage and logs every
        stage entered) with set-based SQL: an import passes thousands of ids
        at once. Raising refuses the write (an ``Invalid`` shows per field).
        Async allowed. Return value ignored.
        """

    @hookspec
    def record_warnings(self, kernel, entity, values, principal):
        """Return warnings (translated strings) about a record about to be created.

        Unlike ``record_checks`` a warning refuses nothing: the create form
        shows warnings as the user types and asks to confirm once on save.
        ``values`` are what the form holds (not yet validated). Never name a
        record the ``principal`` may not read. Async allowed. Returns a list.
        """

    @hookspec
    def merge_records(self, kernel, entity, survivor_id, merged_ids):
        """Name the rows that must follow when records of ``entity`` are merged into one.

        Called when ``merged_ids`` (a list of ids) are merged into
        ``survivor_id``, inside the merge's transaction and before the merged
        records go to the trash. Return a list of dicts ``{"table": ...,
        "column": ..., "rows": {row_id: old_value}}``: rows of ``table`` whose
        ``column`` now holds one of ``merged_ids``. The caller points them at
        the survivor and keeps the old values in its merge log, so an undo
        puts back exactly these rows (and only while they still point at the
        survivor). With ``"key"`` the column is a JSON object and ``key``
        names the value in it (core names custom reference fields' values so,
        in ``custom``). Do not write anything yourself. Async allowed.
        """

    @hookspec
    def import_match_rules(self, kernel, entity):
        """Return :class:`~core.hooks.contributions.MatchRule` s: how an imported row finds its record.

        Called when an import of ``entity`` starts (every import and dry run,
        the CLI's and the screens'). A row matched by a sure rule to exactly
        one live record updates it (or is skipped, as the user chose); a row
        matching several records, or only by a rule with ``sure=False``, is
        reported as ambiguous and changes nothing. Rules whose fields the
        file does not map are left out. A sure rule of several fields is also
        a valid upsert key (``--key inn+kpp``). Implement only for your own
        entities (compare ``entity.key``). Returns a list.
        """

    @hookspec
    def on_demo(self, kernel):
        """Load demo data for ``klientela demo``. Async allowed; idempotent.

        Called after migrations, in resolver order (dependencies first are
        already loaded when a dependent plugin runs). Must not duplicate data
        when run twice. Return value ignored.
        """

    @hookspec
    def on_startup(self, kernel, app):
        """The app is starting (after the database is connected). Async allowed.

        Return value ignored. Keep it quick: startup time is a measured bar.
        """

    @hookspec
    def on_shutdown(self, kernel, app):
        """The app is stopping (before the database pool closes). Async allowed.

        Return value ignored.
        """
