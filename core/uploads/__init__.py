"""Every uploaded file goes through here (docs/documents.md, "Uploads").

``await accept(source, filename, allowed=("docx", "odt"), area="documents",
settings=kernel.settings)`` streams the file to disk under the size limit,
checks its content (kind by content, zip bombs, unsafe entry paths), cleans
its name and keeps it under a generated name; ``inspect_file`` runs the same
checks on a local file in place. Refusals are :class:`UploadRefused`
(413 too large, 415 wrong type, 400 malformed).
"""

from core.uploads.errors import TooLarge, UploadRefused, WrongType
from core.uploads.kinds import KINDS, detect
from core.uploads.limits import MB, UploadLimits
from core.uploads.names import clean_name
from core.uploads.store import StoredUpload, accept, inspect_file, uploads_root

__all__ = [
    "KINDS", "MB", "StoredUpload", "TooLarge", "UploadLimits", "UploadRefused", "WrongType",
    "accept", "clean_name", "detect", "inspect_file", "uploads_root",
]
