"""What an import found: the problems (row, column, value, reason) and the rows it could commit."""

from __future__ import annotations

from dataclasses import dataclass, field


class ImportRefused(ValueError):
    """The whole file cannot be used (wrong encoding, empty, too big…): nothing was changed."""


@dataclass
class Problem:
    row: int | None  # row number in the file (the header is row 1); None for the whole file
    column: str | None
    value: str
    reason: str


@dataclass
class Report:
    kind: str
    file_name: str
    sha256: str
    rows_in_file: int = 0
    valid_rows: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def file_problems(self) -> list[Problem]:
        return [p for p in self.problems if p.row is None]

    @property
    def rejected_rows(self) -> int:
        return len({p.row for p in self.problems if p.row is not None})

    @property
    def clean(self) -> bool:
        return not self.problems


@dataclass
class CommitResult:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
