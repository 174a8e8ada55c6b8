"""The kanban board: a reusable component (load, render, move) and a board view for every entity.

See docs/kanban.md. ``load_board`` reads through the query gate,
``move_card`` writes through it (optimistic locking, validation, field
rules), and the ``core/kanban/board.html`` template (macro ``kanban``)
renders it; ``core/web/static/core/kanban.js`` adds drag and drop
(SortableJS from npm) on top of a form that works without it.
"""

from core.kanban.board import Board, BoardError, Card, Column, choose_fields, load_board, move_card, move_targets

__all__ = ["Board", "BoardError", "Card", "Column", "choose_fields", "load_board", "move_card", "move_targets"]
