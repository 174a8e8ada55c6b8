"""Hook implementations of the service plugin."""

from core.hooks import hookimpl
from core.hooks.contributions import MenuItem
from core.permissions.declare import entity_permissions, role_grants
from core.web.overview import overview_controller
from plugins.service.tables import Request

NAME = "service"


@hookimpl
def register_routes(kernel):
    return [overview_controller(NAME, tables=[Request], permission="service.request.read")]


@hookimpl
def register_permissions(kernel):
    return [
        *entity_permissions("service", "request"),
        *entity_permissions("service", "service_object"),
        *entity_permissions("service", "article", feature="service.knowledge_base"),
        *entity_permissions("service", "queue", feature="service.dispatching"),
        *entity_permissions("service", "project", feature="service.projects"),
        *entity_permissions("service", "call", feature="service.call_center"),
    ]


@hookimpl
def register_default_grants(kernel):
    # "Service requests of the team": engineers work on their team's requests.
    return [
        *role_grants("service_engineer", NAME, read="team", create="own", write="team", delete="own",
                     restore="own", export="team", report="team"),
        *role_grants("read_only", NAME, read="all"),
    ]


@hookimpl
def menu_items(kernel, request):
    return [
        MenuItem(
            key=NAME,
            label={"en": "Service", "ru": "Сервис"},
            url="/service/",
            order=40,
            permission="service.request.read",
        )
    ]
