"""Participant names from a saved UN Treaty Collection status page (stdlib html.parser only)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

_FOOTNOTE = re.compile(r"[\s\d,]+$")


class _ParticipantParser(HTMLParser):
    """Collects the first cell of each row of the table whose header cell reads "Participant"."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # <table> nesting depth
        self.target_depth: int | None = None
        self.row_cells: list[str] | None = None
        self.cell: list[str] | None = None
        self.rows: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.depth += 1
        elif tag == "tr":
            self.row_cells = []
        elif tag == "td" and self.row_cells is not None:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            if self.target_depth == self.depth:
                self.target_depth = -1  # done: ignore later tables
            self.depth -= 1
        elif tag == "td" and self.cell is not None and self.row_cells is not None:
            self.row_cells.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row_cells is not None:
            cells, self.row_cells = self.row_cells, None
            if not cells:
                return
            if self.target_depth is None and cells[0] == "Participant":
                self.target_depth = self.depth
            elif self.target_depth == self.depth:
                self.rows.append(cells)

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def participant_names(path: Path) -> list[str]:
    """Names in the participant table, footnote numbers removed ("Ukraine 10, 11" -> "Ukraine")."""
    parser = _ParticipantParser()
    parser.feed(path.read_text(encoding="utf-8"))
    return [_FOOTNOTE.sub("", cells[0]) for cells in parser.rows if cells[0]]
