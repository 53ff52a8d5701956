"""Importing the partnership's extracts, in four steps: read the file (``read``), validate every
row (``validate``), reduce personal data (``personal``), then commit in one transaction, all or
nothing, idempotently, with an import log entry (``commit``).

``validate()`` never writes. ``commit()`` refuses a report with problems unless the caller asks,
explicitly, to commit only the valid rows.
"""

from data_access.imports.commit import commit
from data_access.imports.formats import KINDS
from data_access.imports.report import CommitResult, ImportRefused, Problem, Report
from data_access.imports.validate import validate

__all__ = ["KINDS", "CommitResult", "ImportRefused", "Problem", "Report", "commit", "validate"]
