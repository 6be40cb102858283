"""Bulk import of both directories from CSV and XLSX files (docs/directory.md, "Importing").

A file is read as a stream in two passes over the database, never whole into memory:

1. **check** (`jobs.run_job`): rows are read in batches, mapped through the data standard
   (`backend.directory.standard`), checked by `backend.directory.rules`, compared with the
   stored records, and - for a real import while no row has failed - staged (see `strategies`);
   every problem becomes a line of the error report.
2. **apply**: when the whole file passed, one transaction moves the staged rows into the
   directory with set-based SQL and writes the history rows. A file with any error commits
   nothing but the job's outcome and its report.

Modules: `sources` (CSV and XLSX readers), `cells` (cell values, formula cells, CSV-safe
output), `columns` (header mapping), `rows` (what the importers share), `scratch` (the job's
private SQLite file: keys met so far, staged rows on SQLite), `strategies` (where checked rows
wait: one strategy per database engine), `report` (the error report), `entities` and
`inspectors` (the two directories), `jobs` (the job's life), `services`, `routes`, `schemas`,
`cli`.
"""
