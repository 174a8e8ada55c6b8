"""Automatic discounts by conditions, and the limit on manual ones (docs/sales.md "Discounts")."""
