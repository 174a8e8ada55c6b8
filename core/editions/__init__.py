from core.editions.loader import Edition, EditionError, load_edition, stock_editions  # noqa: F401
