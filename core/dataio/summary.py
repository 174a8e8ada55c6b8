"""An import run in words, in the reader's language: its status and its counts.

The run's page, the jobs page and the command line say the same sentences,
translated where they are shown (the page's language, the CLI's ``--lang``),
with each count's plural form right ("1 строка", "2 строки", "5 строк").
"""

from __future__ import annotations

from core.i18n import N_, _, ngettext

STATUSES = {
    "draft": N_("waiting for its mapping"),
    "waiting": N_("waiting to start"),
    "running": N_("running"),
    "done": N_("done"),
    "failed": N_("failed"),
    "cancelled": N_("cancelled"),
    "interrupted": N_("interrupted"),
}


def status_text(status: str) -> str:
    return _(STATUSES[status]) if status in STATUSES else status


def counts(run: dict) -> list[str]:
    """Each count of the run as a phrase: "3 records created", "1 row rejected"."""
    dry = bool(run.get("dry_run"))
    created, updated = run.get("created") or 0, run.get("updated") or 0
    unchanged, rejected = run.get("unchanged") or 0, run.get("rejected") or 0
    if dry:
        made = ngettext("%(num)d record would be created", "%(num)d records would be created", created)
        changed = ngettext("%(num)d record would be updated", "%(num)d records would be updated", updated)
    else:
        made = ngettext("%(num)d record created", "%(num)d records created", created)
        changed = ngettext("%(num)d record updated", "%(num)d records updated", updated)
    out = [
        made % {"num": created},
        changed % {"num": updated},
        ngettext("%(num)d record unchanged", "%(num)d records unchanged", unchanged) % {"num": unchanged},
        ngettext("%(num)d row rejected", "%(num)d rows rejected", rejected) % {"num": rejected},
    ]
    skipped, ambiguous = run.get("skipped") or 0, run.get("ambiguous") or 0
    if skipped:
        out.insert(3, (ngettext("%(num)d matching row would be skipped", "%(num)d matching rows would be skipped", skipped) if dry
                       else ngettext("%(num)d matching row skipped", "%(num)d matching rows skipped", skipped)) % {"num": skipped})
    if ambiguous:
        out.append(ngettext("of them %(num)d ambiguous (it matches several records, or one only by name)",
                            "of them %(num)d ambiguous (they match several records, or one only by name)", ambiguous)
                   % {"num": ambiguous})
    return out


def summary(run: dict) -> str:
    """"12 rows read: 10 records created, 0 records updated, 0 records unchanged, 2 rows rejected"."""
    total = run.get("total") or 0
    read = ngettext("%(num)d row read", "%(num)d rows read", total) % {"num": total}
    return _("{read}: {counts}").format(read=read, counts=", ".join(counts(run)))


def nothing_imported(run: dict) -> bool:
    """Every row was rejected (there were some): the command line exits with an error."""
    accepted = sum(run.get(k) or 0 for k in ("created", "updated", "unchanged", "skipped"))
    return accepted == 0 and (run.get("rejected") or 0) > 0
