"""Saved views (the "configurable desktop filters"): a list's URL state kept under a name.

Personal views are seen by their owner only; a shared view is seen by every
user who may use saved views and read the entity. The edition feature
``core.saved_views`` switches the whole thing on (Prof and Corp).
"""
