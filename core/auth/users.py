"""Creating users from the command line and at init."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

from core.auth.passwords import hash_password
from core.auth.tables import User


class UserError(ValueError):
    pass


def normalize_email(email: str) -> str:
    try:
        return validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise UserError(f"{email!r} is not a valid email address: {exc}") from None


async def ensure_admin(email: str, password: str, max_users: int | None = None) -> tuple[User, bool]:
    """Create the administrator, or return the existing user with that email.

    Returns (user, created). An existing user's password is left alone: init
    may be re-run safely.
    """
    email = normalize_email(email)
    existing = await User.objects().where(User.email == email).first()
    if existing is not None:
        return existing, False
    if max_users is not None:
        active = await User.count().where(User.is_active == True)  # noqa: E712
        if active >= max_users:
            raise UserError(f"the edition allows {max_users} user(s); {active} already exist")
    user = User(email=email, name="Administrator", password_hash=hash_password(password), is_admin=True)
    await user.save()
    return user, True
