"""Custom fields: definitions (rows), their SQL expressions and indexes, the CLI.

Values are validated by :mod:`core.entities.validation` and stored in each
entity row's ``custom`` JSON column.
"""
