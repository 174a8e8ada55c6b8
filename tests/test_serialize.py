"""core/entities/serialize.py: what the API's JSON says for each kind of stored value."""

from collections import OrderedDict
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from enum import Enum
from uuid import UUID

from core.entities.serialize import jsonable


class Stage(str, Enum):
    LEAD = "lead"


def test_values_become_json_safe_at_any_depth_and_plain_ones_stay_themselves():
    moment = datetime(2026, 12, 7, 15, 30, 0, 123456, tzinfo=timezone(timedelta(hours=3)))
    uid = UUID("0187800c-2e80-76d7-9e8d-41babe429147")
    row = {
        "id": uid, "name": "Ромашка", "version": 3, "share": 0.5, "active": True, "deleted_at": None,
        "created_at": moment, "birthday": date(1990, 2, 28), "amount": Decimal("1234.50"),
        "custom": {"segment": "a", "partner": uid, "tags": ["x", Decimal("2")]},
        "pair": (uid, moment), "stage": Stage.LEAD, "ordered": OrderedDict(at=date(2026, 1, 1)),
    }
    assert jsonable([row]) == [{
        "id": "0187800c-2e80-76d7-9e8d-41babe429147", "name": "Ромашка", "version": 3, "share": 0.5, "active": True,
        "deleted_at": None, "created_at": "2026-12-07T15:30:00.123456+03:00", "birthday": "1990-02-28", "amount": "1234.50",
        "custom": {"segment": "a", "partner": "0187800c-2e80-76d7-9e8d-41babe429147", "tags": ["x", "2"]},
        "pair": ["0187800c-2e80-76d7-9e8d-41babe429147", "2026-12-07T15:30:00.123456+03:00"], "stage": Stage.LEAD,
        "ordered": {"at": "2026-01-01"},
    }]
