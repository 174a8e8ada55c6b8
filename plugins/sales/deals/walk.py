"""How a deal walks a pipeline over time: the demo's year of deals and the bench's million.

The stock pipelines (the seed's "New business" with its reference funnel —
assessment 100 %, preparation 95 %, presentation 70 %, proposal 65 %,
waiting 50 %, contract 48 %, closing 40 % — and a shorter "Upsell"), and
:func:`walk`: from each open stage a deal moves on with the ratio of the
next stage's norm to this one's, else it is lost; after the last open stage
most are won; one move in twelve skips a stage; days in a stage are
exponential. A deal whose next move would fall after ``end_ms`` stays open
where it is — so recent cohorts are mostly open and old ones closed.
"""

from __future__ import annotations

import random

DAY_MS = 86_400_000
SKIP_SHARE = 1 / 12
MEAN_DAYS_IN_STAGE = 12.0
WON_AT_LAST = 0.85  # of the deals that reached the last open stage, the share won

# (name en, name ru, default probability %, outcome, reference norm %: the cumulative share of a cohort reaching it)
NEW_BUSINESS = (
    ("Assessment", "Оценка", 10, "open", 100), ("Preparation", "Подготовка", 15, "open", 95),
    ("Presentation", "Презентация", 25, "open", 70), ("Proposal", "Предложение", 40, "open", 65),
    ("Waiting", "Ожидание", 50, "open", 50), ("Contract", "Договор", 70, "open", 48),
    ("Closing", "Закрытие", 90, "open", 40), ("Won", "Выиграна", 100, "won", None), ("Lost", "Проиграна", 0, "lost", None),
)
UPSELL = (
    ("Need found", "Выявлена потребность", 20, "open", 100), ("Proposal", "Предложение", 50, "open", 70),
    ("Contract", "Договор", 80, "open", 55), ("Won", "Выиграна", 100, "won", None), ("Lost", "Проиграна", 0, "lost", None),
)
PIPELINES = (("New business", "Новые продажи", NEW_BUSINESS), ("Upsell", "Допродажи", UPSELL))
LOST_REASONS = {"en": ("Price too high", "Chose a competitor", "No budget this year", "Project postponed", "No answer"),
                "ru": ("Высокая цена", "Выбрали конкурента", "Нет бюджета в этом году", "Проект отложен", "Не выходят на связь")}


def pass_share(norms: list[int], i: int) -> float:
    """How likely a deal at open stage ``i`` moves on: the next stage's norm over this one's."""
    return WON_AT_LAST if i + 1 >= len(norms) else norms[i + 1] / norms[i]


def walk(rng: random.Random, opened: list, won, lost, norms: list[int], created_ms: int, end_ms: int) -> tuple[list, str]:
    """The stages a deal created at ``created_ms`` entered up to ``end_ms``: ``[(stage, ms), …]`` and its status.

    ``opened`` are the pipeline's open stages in order (``norms`` their norms), ``won`` and
    ``lost`` its closing stages; any objects will do (ids, rows)."""
    path = [(opened[0], created_ms)]
    i, at = 0, created_ms
    while True:
        at += int(rng.expovariate(1 / MEAN_DAYS_IN_STAGE) * DAY_MS) + 3_600_000
        if at > end_ms:
            return path, "open"  # still at this stage today
        if rng.random() >= pass_share(norms, i):
            path.append((lost, at))
            return path, "lost"
        if i + 1 >= len(opened):
            path.append((won, at))
            return path, "won"
        i += 2 if rng.random() < SKIP_SHARE and i + 2 < len(opened) else 1
        path.append((opened[i], at))
