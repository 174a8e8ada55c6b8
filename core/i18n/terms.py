"""Words that are stored as codes and shown to people: job states, permission
actions and scopes, field access, security event kinds.

Templates show a code with ``term("job_status", job.status)``: the code's
English word, translated; a code this table does not know is shown as is
(a plugin's own action, say), so nothing is ever hidden.
"""

from __future__ import annotations

from core.i18n import N_, _

TERMS: dict[str, dict[str, str]] = {
    "job_status": {
        "queued": N_("queued"), "running": N_("running"), "failed": N_("failed"), "done": N_("done"),
        "cancelled": N_("cancelled"), "dead": N_("dead letter"),
    },
    "action": {
        "read": N_("read"), "create": N_("create"), "write": N_("write"), "delete": N_("delete"),
        "restore": N_("restore"), "purge": N_("purge"), "export": N_("export"), "import": N_("import"),
        "report": N_("report"), "assign": N_("assign"), "manage": N_("manage"),
    },
    "scope": {"none": N_("none"), "own": N_("own"), "team": N_("team"), "department": N_("department"), "all": N_("all")},
    "access": {"hidden": N_("hidden"), "readonly": N_("read-only")},
    # A record's history (core_audit.action); plugins' timeline entries bring their own words.
    "history": {"create": N_("Record created"), "update": N_("Edited"), "delete": N_("Moved to the trash"),
                "restore": N_("Restored from the trash"), "note": N_("Note")},
    "security_event": {
        "login": N_("sign-in"), "login_failed": N_("failed sign-in"), "logout": N_("sign-out"),
        "authorization_failed": N_("access refused"), "export": N_("export"), "role_changed": N_("roles changed"),
        "user_created": N_("user created"), "user_deactivated": N_("user deactivated"),
        "user_reactivated": N_("user reactivated"), "user_changed": N_("user changed"),
        "password_changed": N_("password changed"), "token_created": N_("token created"), "token_revoked": N_("token revoked"),
    },
}


def term(kind: str, code) -> str:
    word = TERMS.get(kind, {}).get(str(code))
    return _(word) if word else str(code)
