"""The one way every research importer reports a problem in its input."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ImportIssue:
    """A problem located as precisely as possible: file, row (the header is row 1), column."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}"
