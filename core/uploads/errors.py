"""The one refusal every upload check raises.

It is an :class:`~core.permissions.errors.Invalid` keyed by ``file`` so the
app's existing error handling applies unchanged: JSON ``{"errors": {"file":
...}}`` on the API, the error page or the form's field error on the web. The
status says which rule refused: 413 too large (also when it would unpack too
large), 415 a type not accepted here, 400 a malformed name or archive.
"""

from __future__ import annotations

from core.permissions.errors import Invalid


class UploadRefused(Invalid):
    def __init__(self, message: str, *, status: int = 400, field: str = "file"):
        super().__init__({field: message})
        self.status = status
        self.message = message


class TooLarge(UploadRefused):
    def __init__(self, message: str):
        super().__init__(message, status=413)


class WrongType(UploadRefused):
    def __init__(self, message: str):
        super().__init__(message, status=415)
