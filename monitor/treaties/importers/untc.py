"""Parser for UN Treaty Collection (UNTC) treaty status pages (Chapter XXVI, Disarmament).

Framework-free: only the standard library (``html.parser``) and ``monitor.rules.treaties``
for :class:`EventKind`. The parser reads a saved "ViewDetails" page and returns a
:class:`UntcPage` with the header facts, one :class:`UntcParticipant` per table row and the
end notes.

What the page looks like (and what is read from it):

* ``STATUS AS AT : 03-02-2026 10:16:18 EDT`` - day-month-year, the time is ignored.
* The chapter (``CHAPTER XXVI``) and the treaty number (``5.`` or ``2. b``) followed by the
  title; together they give the reference ``XXVI-5`` / ``XXVI-2-b``.
* Labelled rows ``Entry into force : 1 March 1999, ...`` and
  ``Status : Signatories : 132. Parties : 162`` (CCW protocols show only ``Parties``).
* The participant table: first header cell ``Participant``, then a signature column, an
  optional provisional-application column and one deposit column. The markers a deposit
  column may use are the ones its header lists in parentheses (``Accession(a)``); a date
  without a marker is a ratification, which the header must name (``Ratification``).
  Entries in square brackets were withdrawn and are kept with ``bracketed=True``.
* Numbered end notes. Footnote numbers on a participant name link the participant to notes;
  notes about a notification of withdrawal give ``WITHDRAWAL_NOTIFIED`` and
  ``WITHDRAWAL_EFFECTIVE`` events ("took effect" or "will take effect").

Anything the parser cannot read raises :class:`UntcParseError`; no row is dropped silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

from monitor.rules.treaties import EventKind

__all__ = [
    "UntcEvent",
    "UntcPage",
    "UntcParseError",
    "UntcParticipant",
    "parse_untc",
    "parse_untc_file",
]


class UntcParseError(ValueError):
    """A UNTC page could not be read; the message names the file and what is wrong."""


@dataclass(frozen=True)
class UntcEvent:
    kind: EventKind
    date: date
    #: True when the page shows the entry in square brackets (a withdrawn instrument).
    bracketed: bool = False


@dataclass(frozen=True)
class UntcParticipant:
    name: str
    footnotes: tuple[int, ...]
    events: tuple[UntcEvent, ...]
    #: 1-based position of the row in the participant table (header row not counted).
    row: int

    def events_of(self, *kinds: EventKind) -> tuple[UntcEvent, ...]:
        """The participant's events of the given kinds, in page order."""
        return tuple(e for e in self.events if e.kind in kinds)


@dataclass(frozen=True)
class UntcPage:
    source_name: str
    #: Depositary reference, e.g. ``"XXVI-5"`` or ``"XXVI-2-b"``.
    reference: str
    title: str
    status_as_at: date
    entry_into_force: date
    header_signatories: int | None
    header_parties: int
    participants: tuple[UntcParticipant, ...]
    end_notes: dict[int, str] = field(default_factory=dict, hash=False)

    def participant(self, name: str) -> UntcParticipant:
        """The participant with exactly this name; ``KeyError`` if absent."""
        for p in self.participants:
            if p.name == name:
                return p
        raise KeyError(name)


# --------------------------------------------------------------------------- HTML tree


_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str]
    children: list[_Node | str] = field(default_factory=list)

    def iter(self, tag: str | None = None) -> Iterator[_Node]:
        """Depth-first iteration over descendant elements (self included)."""
        if tag is None or self.tag == tag:
            yield self
        for child in self.children:
            if isinstance(child, _Node):
                yield from child.iter(tag)

    def text(self, *, skip: frozenset[str] = frozenset()) -> str:
        parts: list[str] = []
        self._collect(parts, skip)
        return _clean("".join(parts))

    def _collect(self, parts: list[str], skip: frozenset[str]) -> None:
        for child in self.children:
            if isinstance(child, str):
                parts.append(child)
            elif child.tag not in skip:
                if child.tag in {"br", "div", "p", "tr", "td", "th"}:
                    parts.append(" ")
                child._collect(parts, skip)
                if child.tag in {"div", "p", "td", "th"}:
                    parts.append(" ")

    def cells(self) -> list[_Node]:
        """Direct ``td``/``th`` cells of a ``tr``."""
        return [c for c in self.children if isinstance(c, _Node) and c.tag in {"td", "th"}]

    def rows(self) -> list[_Node]:
        """``tr`` rows of a ``table`` (also inside tbody/thead), not those of nested tables."""
        out: list[_Node] = []
        for child in self.children:
            if isinstance(child, _Node):
                if child.tag == "tr":
                    out.append(child)
                elif child.tag in {"tbody", "thead", "tfoot"}:
                    out.extend(child.rows())
        return out


class _TreeBuilder(HTMLParser):
    """Tolerant tree builder: closes ``tr``/``td`` left open, ignores stray end tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", {})
        self.stack: list[_Node] = [self.root]

    def _close_open(self, tag: set[str], boundary: set[str]) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            t = self.stack[i].tag
            if t in boundary:
                return
            if t in tag:
                del self.stack[i:]
                return

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self._close_open({"tr"}, {"table"})
        elif tag in {"td", "th"}:
            self._close_open({"td", "th"}, {"tr", "table"})
        node = _Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(_Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


# --------------------------------------------------------------------------- dates


_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}

_DATE_WORDS = r"\d{1,2}\s+[A-Za-z]+\.?\s+\d{4}"


def _parse_date_words(text: str) -> date | None:
    """``"11 Sep 2002"`` / ``"27 June 2025"`` -> date, or None if unreadable."""
    m = re.fullmatch(r"(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{4})", text.strip())
    if not m:
        return None
    month = _MONTHS.get(m.group(2).lower())
    if month is None:
        return None
    try:
        return date(int(m.group(3)), month, int(m.group(1)))
    except ValueError:
        return None


# --------------------------------------------------------------------------- columns

#: Marker -> kind. ``""`` (no marker) in a deposit column is a ratification.
_MARKERS: dict[str, EventKind] = {
    "": EventKind.RATIFICATION,
    "a": EventKind.ACCESSION,
    "A": EventKind.ACCEPTANCE,
    "AA": EventKind.APPROVAL,
    "d": EventKind.SUCCESSION,
    "P": EventKind.CONSENT,
    "n": EventKind.PROVISIONAL_APPLICATION,
}


@dataclass(frozen=True)
class _Column:
    header: str
    #: marker -> kind accepted in this column
    markers: dict[str, EventKind]


def _column_for(header: str, source: str) -> _Column:
    low = header.lower()
    if low.startswith("signature"):
        return _Column(header, {"": EventKind.SIGNATURE})
    if low.startswith("provisional application"):
        # The column itself says what the entries are; "n" is the usual marker.
        return _Column(
            header,
            {"": EventKind.PROVISIONAL_APPLICATION, "n": EventKind.PROVISIONAL_APPLICATION},
        )
    words = ("ratification", "acceptance", "approval", "accession", "succession", "consent")
    if any(w in low for w in words):
        markers: dict[str, EventKind] = {}
        for marker in re.findall(r"\(([^)]*)\)", header):
            marker = marker.strip()
            if marker not in _MARKERS or marker == "":
                raise UntcParseError(
                    f"{source}: participant table column {header!r}: unknown marker {marker!r}"
                )
            markers[marker] = _MARKERS[marker]
        if "ratification" in low:
            markers[""] = EventKind.RATIFICATION
        return _Column(header, markers)
    raise UntcParseError(f"{source}: participant table has an unknown column {header!r}")


_ENTRY = re.compile(r"^(\d{1,2}\s+\S+\s+\d{4})(?:\s+(\S+))?$")


def _cell_events(text: str, column: _Column, where: str) -> list[UntcEvent]:
    """Events of one table cell: zero or more ``[date marker]`` groups and one plain entry."""
    entries: list[tuple[str, bool]] = []
    for m in re.finditer(r"\[([^\]]*)\]", text):
        entries.append((_clean(m.group(1)), True))
    rest = _clean(re.sub(r"\[[^\]]*\]", " ", text))
    if "[" in rest or "]" in rest:
        raise UntcParseError(f"{where}: unbalanced brackets in {text!r}")
    if rest:
        entries.append((rest, False))
    events: list[UntcEvent] = []
    for entry, bracketed in entries:
        m = _ENTRY.match(entry)
        when = _parse_date_words(m.group(1)) if m else None
        if m is None or when is None:
            shown = m.group(1) if m else entry
            raise UntcParseError(f"{where}: cannot read date {shown!r}")
        marker = m.group(2) or ""
        if marker not in column.markers:
            raise UntcParseError(
                f"{where}: unknown marker {marker!r} in {entry!r} (column {column.header!r})"
            )
        events.append(UntcEvent(column.markers[marker], when, bracketed))
    return events


# --------------------------------------------------------------------------- end notes

_NOTIFIED = re.compile(
    r"On\s+(" + _DATE_WORDS + r")\s*,[^.]*?notification\s+of\s+withdrawal", re.IGNORECASE
)
_EFFECTIVE = re.compile(
    r"withdrawal\s+(?:took|will\s+take|takes)\s+effect\s+for\s+.+?\s+on\s+(" + _DATE_WORDS + r")",
    re.IGNORECASE,
)
_WITHDRAWAL_HINT = re.compile(
    r"notification\s+of\s+withdrawal|withdrawal\s+(?:took|will\s+take|takes)\s+effect",
    re.IGNORECASE,
)


def _withdrawal_events(note: str, where: str) -> list[UntcEvent]:
    """WITHDRAWAL_NOTIFIED/EFFECTIVE from a note; [] if it is not a withdrawal note."""
    if not _WITHDRAWAL_HINT.search(note):
        return []
    notified = _NOTIFIED.search(note)
    effective = _EFFECTIVE.search(note)
    if notified is None:
        raise UntcParseError(f"{where}: withdrawal note without a readable notification date")
    if effective is None:
        raise UntcParseError(f"{where}: withdrawal note without a readable effective date")
    out: list[UntcEvent] = []
    for kind, m in (
        (EventKind.WITHDRAWAL_NOTIFIED, notified),
        (EventKind.WITHDRAWAL_EFFECTIVE, effective),
    ):
        when = _parse_date_words(m.group(1))
        if when is None:
            raise UntcParseError(f"{where}: cannot read date {m.group(1)!r}")
        out.append(UntcEvent(kind, when, False))
    return out


def _end_notes(root: _Node) -> dict[int, str]:
    notes: dict[int, str] = {}
    for div in root.iter("div"):
        if "divNotesAll" not in div.attrs.get("class", "").split():
            continue
        text = div.text()
        m = re.match(r"(\d+)\s*(.*)", text, re.DOTALL)
        if m:
            notes[int(m.group(1))] = m.group(2).strip()
    return notes


# --------------------------------------------------------------------------- page


def _by_id_suffix(root: _Node, suffix: str) -> _Node | None:
    for node in root.iter():
        if node.attrs.get("id", "").endswith(suffix):
            return node
    return None


def _labelled_value(root: _Node, label: str) -> str | None:
    """Value cell of a ``label | : | value`` header row."""
    for tr in root.iter("tr"):
        cells = tr.cells()
        if len(cells) >= 3 and cells[0].text() == label and cells[1].text() == ":":
            return cells[2].text()
    return None


def _participant_table(root: _Node) -> _Node | None:
    for table in root.iter("table"):
        rows = table.rows()
        if rows:
            cells = rows[0].cells()
            if cells and cells[0].text() == "Participant":
                return table
    return None


def parse_untc(html: str, *, source_name: str = "<string>") -> UntcPage:
    """Parse the HTML of a UNTC status page; raise :class:`UntcParseError` if unreadable."""
    src = source_name
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    root = builder.root
    full_text = root.text()

    m = re.search(r"STATUS AS AT\s*:\s*(\d{1,2})-(\d{1,2})-(\d{4})", full_text)
    if not m:
        raise UntcParseError(f"{src}: no 'STATUS AS AT' line")
    try:
        status_as_at = date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        raise UntcParseError(f"{src}: cannot read status date {m.group(0)!r}") from None

    head = _by_id_suffix(root, "tcHead")
    chapter_m = re.fullmatch(r"CHAPTER\s+([IVXLC]+)", head.text()) if head else None
    if not chapter_m:
        raise UntcParseError(f"{src}: no 'CHAPTER' heading")
    treaty = _by_id_suffix(root, "tcTreaty")
    treaty_m = (
        re.fullmatch(r"(\d+)\.\s*(?:([a-z])(?=\s|$))?\s*(.*)", treaty.text(), re.DOTALL)
        if treaty
        else None
    )
    if not treaty_m:
        raise UntcParseError(f"{src}: no treaty number and title")
    reference = "-".join(x for x in (chapter_m.group(1), treaty_m.group(1), treaty_m.group(2)) if x)
    title = treaty_m.group(3).strip()

    eif_text = _labelled_value(root, "Entry into force")
    eif_m = re.match(_DATE_WORDS, eif_text or "")
    entry_into_force = _parse_date_words(eif_m.group(0)) if eif_m else None
    if entry_into_force is None:
        raise UntcParseError(f"{src}: cannot read 'Entry into force' ({eif_text!r})")

    status_text = _labelled_value(root, "Status") or ""
    parties_m = re.search(r"Parties\s*:\s*(\d+)", status_text)
    if not parties_m:
        raise UntcParseError(f"{src}: no 'Parties' count in the status header ({status_text!r})")
    sig_m = re.search(r"Signatories\s*:\s*(\d+)", status_text)

    end_notes = _end_notes(root)
    participants = _participants(root, end_notes, src)

    return UntcPage(
        source_name=src,
        reference=reference,
        title=title,
        status_as_at=status_as_at,
        entry_into_force=entry_into_force,
        header_signatories=int(sig_m.group(1)) if sig_m else None,
        header_parties=int(parties_m.group(1)),
        participants=participants,
        end_notes=end_notes,
    )


def _participants(root: _Node, end_notes: dict[int, str], src: str) -> tuple[UntcParticipant, ...]:
    table = _participant_table(root)
    if table is None:
        raise UntcParseError(f"{src}: no participant table")
    header, *rows = table.rows()
    columns = [_column_for(c.text(), src) for c in header.cells()[1:]]
    if not columns:
        raise UntcParseError(f"{src}: participant table has no date columns")

    participants: list[UntcParticipant] = []
    for row_no, tr in enumerate(rows, start=1):
        cells = tr.cells()
        name = cells[0].text(skip=frozenset({"sup"})) if cells else ""
        where = f"{src}: participant row {row_no} ('{name}')"
        if not name:
            raise UntcParseError(f"{src}: participant row {row_no}: no participant name")
        if len(cells) != len(columns) + 1:
            raise UntcParseError(f"{where}: {len(cells)} cells, expected {len(columns) + 1}")
        footnotes: list[int] = []
        for sup in cells[0].iter("sup"):
            footnotes.extend(int(n) for n in re.findall(r"\d+", sup.text()))
        events: list[UntcEvent] = []
        for cell, column in zip(cells[1:], columns, strict=True):
            events.extend(_cell_events(cell.text(), column, where))
        for number in footnotes:
            if number not in end_notes:
                raise UntcParseError(f"{where}: footnote {number} has no end note")
            events.extend(_withdrawal_events(end_notes[number], f"{where}: end note {number}"))
        participants.append(UntcParticipant(name, tuple(footnotes), tuple(events), row_no))
    if not participants:
        raise UntcParseError(f"{src}: the participant table has no rows")
    return tuple(participants)


def parse_untc_file(path: str | Path) -> UntcPage:
    """Read and parse a saved UNTC page; the error messages name the file."""
    p = Path(path)
    return parse_untc(p.read_text(encoding="utf-8"), source_name=p.name)
