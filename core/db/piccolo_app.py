"""Core's own Piccolo app: the tables core owns, and their migrations."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from core.auth.tables import ApiToken, Department, LoginAttempt, LoginCounter, SecurityEvent, Session, Team, TeamMember, User
from core.custom_fields.tables import CustomField
from core.jobs.tables import Job
from core.permissions.tables import Role, RoleFieldRule, RoleGrant, UserRole
from core.saved_views.tables import SavedView
from core.web.flash import Flash

APP_CONFIG = AppConfig(
    app_name="core",
    migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
    table_classes=[
        User, CustomField,
        Department, Team, TeamMember, Session, ApiToken, LoginAttempt, LoginCounter, SecurityEvent,
        Role, RoleGrant, RoleFieldRule, UserRole,
        Job,
        SavedView,
        Flash,
    ],
    migration_dependencies=[],
)
