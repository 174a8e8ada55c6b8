"""Deals: the stage log and derived fields, deal lines, the client card's deals, the demo's year of deals."""
