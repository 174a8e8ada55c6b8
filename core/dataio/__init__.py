"""Import and export of entity rows (see docs/import-export.md).

* :mod:`core.dataio.readers` — CSV, XLSX and ODS files as a stream of rows;
* :mod:`core.dataio.mapping` — file columns to fields, guessed and saved;
* :mod:`core.dataio.importer` — validated batches through a staging table
  into set-based SQL, resumable from a checkpoint;
* :mod:`core.dataio.export` — the list view through the query gate to CSV/XLSX.
"""
