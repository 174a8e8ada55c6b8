"""A plugin's landing page: what it is, which features the edition gives it,
and how many records each of its tables holds (the trash counted apart).

Plugins call :func:`overview_controller` from ``register_routes``; their own
screens (lists, cards, boards) add routes next to it.
"""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.response import Template
from piccolo.table import Table


def overview_controller(plugin: str, tables: list[type[Table]], permission: str) -> type[Controller]:
    async def overview(self, request: Request) -> Template:
        kernel = request.app.state.kernel
        manifest = kernel.catalog.plugins[plugin]
        counts = []
        for table in tables:
            live = await table.count().where(table.deleted_at.is_null())
            trashed = await table.count().where(table.deleted_at.is_not_null())
            counts.append({"table": table._meta.tablename, "live": live, "trashed": trashed})
        features = [
            {"name": f.name, "label": f.label, "on": kernel.features.enabled(f"{plugin}.{f.name}")}
            for f in manifest.features.values()
        ]
        return Template(
            template_name=f"{plugin}/index.html",
            context={"manifest": manifest, "counts": counts, "features": features},
        )

    handler = get("/", name=f"{plugin}:overview", opt={"permission": permission})(overview)
    return type(
        f"{plugin.title().replace('_', '')}OverviewController",
        (Controller,),
        {"path": f"/{plugin}", "overview": handler, "__module__": __name__},
    )
