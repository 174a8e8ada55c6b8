"""Every bar of the suite; importing this package registers them all.

One module per area. A bar whose feature is not built yet lives in
:mod:`bench.bars.pending` until the work that brings the feature measures it.
"""

from bench.bars import auth, custom_fields, deals, dedupe, funnel, imports, lists, login, odoo, pending, platform, round_trip, throughput  # noqa: F401
