"""Database engine, Piccolo configuration and the migration runner."""

import os

# Piccolo finds its engine through PICCOLO_CONF the first time a table is
# queried and caches it per table; point it at ours before any table is used.
os.environ.setdefault("PICCOLO_CONF", "core.db.piccolo_conf")
