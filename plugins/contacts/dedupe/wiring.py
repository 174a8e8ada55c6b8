"""What the duplicates part contributes to the contacts plugin's hooks (plugin.py forwards here)."""

from __future__ import annotations


def routes(kernel) -> list:
    from plugins.contacts.dedupe.web import ROUTES

    return ROUTES


def jobs(kernel) -> list:
    from plugins.contacts.dedupe.jobs import JOB_KIND

    return [JOB_KIND]


def cli_commands(kernel) -> list:
    from plugins.contacts.dedupe.cli import dedupe

    return [dedupe]


def menu(kernel) -> list:
    from core.hooks.contributions import MenuItem

    return [MenuItem(key="contacts_duplicates", label={"en": "Duplicates", "ru": "Дубликаты"}, url="/contacts/duplicates/",
                     order=16, permission="contacts.client.read", parent="contacts")]


async def merge_records(kernel, entity, survivor_id, merged_ids) -> list[dict]:
    from plugins.contacts.dedupe.merge import reference_moves

    return await reference_moves(kernel, entity, survivor_id, merged_ids)


async def record_warnings(kernel, entity, values, principal) -> list[str]:
    """Likely duplicates of a client being created (hidden ones counted, never named)."""
    if entity.key != "contacts.client":
        return []
    from plugins.contacts.dedupe.check import check_record

    return (await check_record(kernel, principal, {k: v for k, v in values.items() if v not in (None, "")})).messages()


def import_match_rules(entity) -> list:
    """The duplicate rules, as an import matches rows to stored records (``import_match_rules``)."""
    from plugins.contacts.dedupe.rules import import_rules

    return import_rules(entity.key)
