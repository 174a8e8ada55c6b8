"""The catalogue's screens and rules: the category tree, properties per category, price analysis."""
