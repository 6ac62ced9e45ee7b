"""Oversight and research at scale: import hundreds or tens of thousands of annual reports, check them, and keep
the human review of what the rules found.

* :mod:`gongkai.oversight.importer` — :func:`import_reports` (``gongkai import``): files, folders and ZIP
  archives, in parallel, idempotent and resumable.
* :mod:`gongkai.oversight.register` — the register of supervised agencies and the region hierarchy (CSV).
* :mod:`gongkai.oversight.reviews` — confirming or dismissing a finding; the verdict outlives re-imports.
* :mod:`gongkai.oversight.synth` — synthetic report files made from real ones, for benchmarks and tests.
"""

from __future__ import annotations

from gongkai.oversight.importer import ImportFailure, ImportSummary, import_reports, stored_counts
from gongkai.oversight.register import RegionsFileError, RegionsLoad, load_regions_csv

__all__ = [
    "ImportFailure",
    "ImportSummary",
    "RegionsFileError",
    "RegionsLoad",
    "import_reports",
    "load_regions_csv",
    "stored_counts",
]
