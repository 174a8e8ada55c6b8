"""Global search: the ``search_results`` hook, core's entity contributor, the search page,
the shell's as-you-type results and the command palette (see docs/shell.md)."""
