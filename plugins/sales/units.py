"""Units of measure by their OKEI codes (ОКЕИ, the Russian classifier of units).

Products and deal lines keep the code; people read the short name in their
language. The list is the part of OKEI a CRM's catalogue uses; the codes are
what accounting systems exchange (1C keeps the same codes).
"""

from core.entities.spec import Choice, label

# (code, English short name, Russian short name as OKEI writes it)
OKEI = (
    ("796", "pcs", "шт"),
    ("642", "unit", "ед"),
    ("839", "set", "компл"),
    ("704", "kit", "набор"),
    ("778", "pack", "упак"),
    ("715", "pair", "пар"),
    ("166", "kg", "кг"),
    ("163", "g", "г"),
    ("168", "t", "т"),
    ("006", "m", "м"),
    ("018", "running m", "пог. м"),
    ("055", "m²", "м2"),
    ("113", "m³", "м3"),
    ("112", "l", "л"),
    ("625", "sheet", "лист"),
    ("736", "roll", "рул"),
    ("868", "bottle", "бут"),
    ("356", "hour", "ч"),
    ("359", "day", "сут"),
    ("362", "month", "мес"),
    ("366", "year", "г."),
    ("872", "licence", "лиц"),
)

UNIT_CHOICES = tuple(Choice(code, label(en, ru)) for code, en, ru in OKEI)
