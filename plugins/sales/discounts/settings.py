"""Settings of automatic and manual discounts: ``KLIENTELA_SALES_DISCOUNT_*`` environment variables.

* ``combination`` — what a line gets when several rules apply to it:
  ``max`` (the largest, the default), ``sum`` (their sum, at most 100 %) or
  ``priority`` (the rules of the highest priority that applies; of those the
  largest). One setting for the whole instance, like the combination constant
  of 1C's automatic discounts: a company has one discount policy, and a
  rule's effect must not depend on which other rules someone else added.
* ``manual_limit`` — the largest discount (percent) a seller may type by
  hand; above it the permission ``sales.deal.discount_over_limit`` is needed.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

COMBINATIONS = ("max", "sum", "priority")


class DiscountSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KLIENTELA_SALES_DISCOUNT_", extra="ignore")

    combination: Literal["max", "sum", "priority"] = "max"
    manual_limit: Decimal = Field(default=Decimal("10"), ge=0, le=100)


def discount_settings() -> DiscountSettings:
    return DiscountSettings()
