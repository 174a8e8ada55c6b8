"""A user's own arrangement of the "my day" page: which widgets it shows, in what order.

Saved on the account (``core_user.home_layout``, JSON ``{"order": [...],
"hidden": [...]}`` of widget keys), so it follows the user to every browser.
The layout only arranges what :func:`core.dashboard.widgets.visible_widgets`
already allows: it can hide a widget or move it, never show one the user's
permissions or the edition hide. Keys of widgets that are gone (a plugin
disabled) are kept, so the arrangement comes back with the plugin; widgets
the layout has never seen (a plugin enabled later) are shown, after the
arranged ones, in their default order.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Sequence

from core.auth.tables import User
from core.i18n import _

log = logging.getLogger(__name__)
MAX_KEYS = 200  # far above any real home page; bounds what a crafted form can store


class LayoutError(ValueError):
    """A layout refused, with the reason for the user."""


@dataclass(frozen=True)
class Layout:
    order: tuple[str, ...] = ()
    hidden: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def parse(cls, raw: str | None) -> "Layout":
        """The stored form; anything unreadable is the default layout (and logged), never an error page."""
        if not raw:
            return cls()
        try:
            data = json.loads(raw)
            order = tuple(str(k) for k in data.get("order", ()))
            hidden = frozenset(str(k) for k in data.get("hidden", ()))
        except (ValueError, TypeError, AttributeError):
            log.warning("unreadable home layout ignored: %r", raw[:200])
            return cls()
        return cls(order, hidden)

    def dumps(self) -> str:
        return json.dumps({"order": list(self.order), "hidden": sorted(self.hidden)})

    @property
    def is_default(self) -> bool:
        return not self.order and not self.hidden

    def arrange(self, widgets: Sequence) -> list[tuple[object, bool]]:
        """``(widget, shown)`` for every widget (``.key``), arranged ones first in the saved order."""
        position = {key: i for i, key in enumerate(self.order)}
        ranked = sorted(enumerate(widgets), key=lambda iw: (iw[1].key not in position, position.get(iw[1].key, 0), iw[0]))
        return [(w, w.key not in self.hidden) for _, w in ranked]

    def shown(self, widgets: Sequence) -> list:
        return [w for w, shown in self.arrange(widgets) if shown]

    def moved(self, keys: Sequence[str], key: str, step: int) -> "Layout":
        """The layout with ``key`` one place up (-1) or down (+1) among ``keys`` (the page's order)."""
        keys = list(keys)
        if key not in keys:
            raise LayoutError(_("There is no such widget on your home page."))
        i = keys.index(key)
        j = min(max(i + step, 0), len(keys) - 1)
        keys[i], keys[j] = keys[j], keys[i]
        return self.with_order(keys)

    def with_order(self, keys: Sequence[str]) -> "Layout":
        # Keys arranged before but not on the page now (a disabled plugin's) keep their place at the end.
        kept = [k for k in self.order if k not in keys]
        return Layout(tuple(keys) + tuple(kept), self.hidden)


def from_form(keys: Sequence[str], listed: Sequence[str], shown: Sequence[str], previous: Layout) -> Layout:
    """The layout a form describes.

    ``keys``: the page's widgets now, in order; ``listed``: the widgets the
    form showed (its hidden inputs); ``shown``: the ticked ones. A widget
    the form did not list (it appeared meanwhile, or belongs to a disabled
    plugin) keeps its state: no one unticked it.
    """
    if len(listed) > MAX_KEYS or len(shown) > MAX_KEYS:
        raise LayoutError(_("Too many widgets in the form."))
    if any(k not in keys for k in listed) or any(k not in listed for k in shown):
        raise LayoutError(_("There is no such widget on your home page."))
    hidden = (previous.hidden - set(listed)) | {k for k in listed if k not in shown}
    return Layout(previous.with_order(keys).order, frozenset(hidden))


async def load_layout(user_id) -> Layout:
    if user_id is None:
        return Layout()
    row = await User.select(User.home_layout).where(User.id == user_id).first()
    return Layout.parse(row["home_layout"] if row else "")


async def save_layout(user_id, layout: Layout) -> None:
    await User.update({User.home_layout: "" if layout.is_default else layout.dumps()}).where(User.id == user_id)
