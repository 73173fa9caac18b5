"""The cited seed facts (``monitor_facts.csv``): research records and treaty obligation data.

Each row of the facts file is one value seen in a public source, with the source's title,
URL, a short verbatim quote and a confidence grade (H, M, L). Rows are validated first; every
problem is reported with the file, the row and the column, and nothing is written if there is
any. Importing the same file again changes nothing. The bundled seed
(``monitor/seed/research_facts.json``, made by `facts_seed_build`) holds the same validated
facts and is loaded by `monitor seed` through the same mapping.

Mapping (one research record per country, data year, edition, source and key):

* casualties_total/killed/injured/unknown/civilian: one ``casualties`` record, scope
  mines_erw (fields total, killed, injured, outcome_unknown, civilian); cm_casualties_total:
  scope cluster_munitions. A source that gives killed, injured and unknown but no total keeps
  the total empty (no value is computed); the theme's "total is missing" check is then a
  warning, every other check is enforced.
* ap_mine_contamination_km2 / cmr_contamination_km2: ``contamination`` of antipersonnel mines /
  cluster munition remnants, estimate quality unspecified; cmr_cha_identified_km2: cluster
  munition remnants, confirmed. ``as_of_date`` comes from the row. A contamination row with no
  data year takes its edition's data year (report year - 1, DOMAIN 5.1), said in the note.
* land_cancelled/reduced/cleared/released_km2 and ap_mines_destroyed: one ``land_release``
  record, hazard mines (the Monitor's global land release figures are for mined areas);
  cmr_land_cleared_km2: hazard cmr. Released = the sum at the printed precision.
* support_total_usd / support_international_usd: ``support`` of kind total / international,
  all donors (empty), all thematic areas. WLD is a global figure; a country is the recipient.
* cm_stockpile_destroyed_munitions: ``stockpiles`` record, treaty ccm, destroyed.
  ccm_art3_completed: the same record's destruction_completed_on (the partial date as given;
  data year = the completion year if the row gives none) and an ObligationFact "completed"
  (CCM stockpile destruction) dated the first day of the period given; its source text says
  when only the year or month is known.
* mbt_art5_completed (and ccm_art4_completed): ObligationFact "completed" for clearance,
  dated the same way.

Deadlines (mbt_art5_deadline, ccm_art4_deadline, ccm_art3_deadline) are the *current*
deadline as a source records it, after extensions whose intermediate dates are unknown. Each
is stored as a granted ObligationExtension marked ``cumulative`` (the per-extension cap is then
checked as cap × count from the original deadline when the count is known, and skipped when it
is not; it must always be later than the deadline it replaces). Every fact is stored, so an
older and a newer source may give two deadlines; the rules use the latest deadline.
``decided_on`` is the source's as_of_date when that is a full date; ``decided_by`` is the
meeting the edition names (e.g. "18th Meeting of States Parties (2020)" -> 18MSP).

Placing a deadline on a day. Full dates are used as given. A year-month or year is never
given an invented day: it is placed on the last day of the period only where the row's quote
says "end of" that period (Tajikistan: value 2025-12, quote "through to the end of 2025" ->
2025-12-31, and the source text says so). A granted deadline that cannot be placed is an
error. A *requested* deadline that cannot be placed (Angola: requested "until 2030") is not an
error in the file but cannot go on the timeline: it is skipped with the reason recorded.

* A recorded deadline equal to the original deadline computed from entry into force (e.g.
  Sri Lanka 2028-06-01, "0" extensions) confirms it: no extension is stored, the reason is
  recorded. A deadline earlier than the original one is an error.
* *_extensions_granted: the number of extensions, stored as ``extension_count`` on the
  deadline recorded by the same source (an error if that source gives no deadline; 0 must go
  with a deadline equal to the original one).
* *_extension_requested_to: ObligationExtension with status requested.
* mbt_art5_deadline_original: not stored (the engine computes it from entry into force), but it
  must equal the computed original deadline; the reason is recorded.
* The same deadline from two sources is stored once, citing the source with the latest
  as_of_date; the other is recorded as skipped.

* Values are taken as the file gives them, whatever the confidence (e.g. Niger's L-graded
  2029-12-31 deadline is stored as granted, beside the M-graded request to the same date); the
  source text of every extension and completion names the edition, the as-of date and the
  confidence.

The importer needs the countries and the treaty events in the database (`monitor seed`).
"""

from __future__ import annotations

import calendar
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from monitor.audit.services import AuditContext
from monitor.countries.data import load_country_records
from monitor.countries.models import Country
from monitor.research.importers.issues import ImportIssue
from monitor.research.importers.tabular import TableError, read_table
from monitor.research.services import (
    ResearchDataError,
    edition_get_or_create,
    record_upsert,
    source_get_or_create,
)
from monitor.research.themes import THEMES, CellError
from monitor.rules import obligations as ob_rules
from monitor.rules.dates import add_years
from monitor.treaties.models import ObligationExtension, ObligationFact

SEED_FACTS = Path(__file__).resolve().parent.parent.parent / "seed" / "research_facts.json"
GLOBAL_CODE = "WLD"
FACT_COLUMNS = (
    "fact_id",
    "country_iso3",
    "theme",
    "indicator",
    "value",
    "unit",
    "data_year",
    "as_of_date",
    "edition",
    "source_title",
    "source_url",
    "quote",
    "confidence",
)
QUOTE_MAX = 200
_CONFIDENCE_ORDER = {"L": 0, "M": 1, "H": 2}
_YEAR = re.compile(r"\b(19|20)\d{2}\b")
_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


# --- indicators ------------------------------------------------------------------------


@dataclass(frozen=True)
class Indicator:
    """How one indicator of the facts file is read and where it goes."""

    themes: tuple[str, ...]  # allowed values of the file's theme column
    units: tuple[str, ...]
    #: "record": a field of a research record; "deadline", "requested", "count", "completed",
    #: "original": treaty obligation data.
    target: str
    theme: str = ""  # research theme (THEMES key) for "record"
    field: str = ""  # research field for "record"
    key: tuple[tuple[str, str], ...] = ()  # fixed key values of the research record
    treaty: str = ""
    kind: str = ""  # obligation kind (monitor.rules.obligations.Kind)


def _record(theme: str, units: tuple[str, ...], target_theme: str, field_name: str, **key):
    return Indicator((theme,), units, "record", target_theme, field_name, tuple(key.items()))


INDICATORS: dict[str, Indicator] = {
    "casualties_total": _record(
        "casualties", ("people",), "casualties", "total", scope="mines_erw"
    ),
    "casualties_killed": _record(
        "casualties", ("people",), "casualties", "killed", scope="mines_erw"
    ),
    "casualties_injured": _record(
        "casualties", ("people",), "casualties", "injured", scope="mines_erw"
    ),
    "casualties_unknown": _record(
        "casualties", ("people",), "casualties", "outcome_unknown", scope="mines_erw"
    ),
    "casualties_civilian": _record(
        "casualties", ("people",), "casualties", "civilian", scope="mines_erw"
    ),
    "cm_casualties_total": _record(
        "casualties", ("people",), "casualties", "total", scope="cluster_munitions"
    ),
    "ap_mine_contamination_km2": _record(
        "contamination",
        ("km2",),
        "contamination",
        "area_km2",
        device_class="antipersonnel_mines",
        estimate_quality="unspecified",
    ),
    "cmr_contamination_km2": _record(
        "contamination",
        ("km2",),
        "contamination",
        "area_km2",
        device_class="cluster_munition_remnants",
        estimate_quality="unspecified",
    ),
    "cmr_cha_identified_km2": _record(
        "contamination",
        ("km2",),
        "contamination",
        "area_km2",
        device_class="cluster_munition_remnants",
        estimate_quality="confirmed",
    ),
    "land_cancelled_km2": _record(
        "land_release", ("km2",), "land_release", "cancelled_km2", hazard="mines"
    ),
    "land_reduced_km2": _record(
        "land_release", ("km2",), "land_release", "reduced_km2", hazard="mines"
    ),
    "land_cleared_km2": _record(
        "land_release", ("km2",), "land_release", "cleared_km2", hazard="mines"
    ),
    "land_released_km2": _record(
        "land_release", ("km2",), "land_release", "released_km2", hazard="mines"
    ),
    "ap_mines_destroyed": _record(
        "land_release", ("mines",), "land_release", "ap_mines_destroyed", hazard="mines"
    ),
    "cmr_land_cleared_km2": _record(
        "land_release", ("km2",), "land_release", "cleared_km2", hazard="cmr"
    ),
    "support_total_usd": _record(
        "support",
        ("USD",),
        "support",
        "amount_usd",
        kind="total",
        donor="",
        thematic_area="",
    ),
    "support_international_usd": _record(
        "support",
        ("USD",),
        "support",
        "amount_usd",
        kind="international",
        donor="",
        thematic_area="",
    ),
    "cm_stockpile_destroyed_munitions": _record(
        "stockpile", ("munitions",), "stockpiles", "destroyed", treaty="ccm"
    ),
}

#: Articles with a time-bound obligation: indicator prefix -> (treaty, obligation kind).
ARTICLES = {
    "mbt_art5": ("mbt", "clearance"),
    "ccm_art4": ("ccm", "clearance"),
    "ccm_art3": ("ccm", "stockpile_destruction"),
}
_DATE_UNITS = ("date", "year")
for _prefix, (_treaty, _kind) in ARTICLES.items():
    _themes = (
        ("treaty_deadline", "stockpile")
        if _kind == "stockpile_destruction"
        else ("treaty_deadline",)
    )
    for _suffix, _target, _units in (
        ("deadline", "deadline", _DATE_UNITS),
        ("extension_requested_to", "requested", _DATE_UNITS),
        ("extensions_granted", "count", ("count",)),
        ("completed", "completed", _DATE_UNITS),
        ("deadline_original", "original", _DATE_UNITS),
    ):
        INDICATORS[f"{_prefix}_{_suffix}"] = Indicator(
            _themes, _units, _target, treaty=_treaty, kind=_kind
        )


# --- results ---------------------------------------------------------------------------


class FactsImportError(ResearchDataError):
    """A facts file with problems; `issues` lists every one. Nothing has been written."""

    def __init__(self, issues: Sequence[ImportIssue]):
        self.issues = list(issues)
        super().__init__(
            f"{len(self.issues)} problem(s), nothing written: "
            + "; ".join(str(i) for i in self.issues)
        )


@dataclass(frozen=True)
class Skipped:
    row: int
    fact_id: str
    reason: str

    def __str__(self) -> str:
        return f"{self.fact_id} (row {self.row}): {self.reason}"


@dataclass
class FactsReport:
    file: str
    facts: int = 0
    #: per table ("casualties", ..., "obligation_extensions", "obligation_facts"):
    #: created / updated / unchanged
    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[ImportIssue] = field(default_factory=list)
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return any(c["created"] or c["updated"] for c in self.counts.values())


# --- reading and validating rows -------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    """One validated row of the facts file."""

    row: int
    fact_id: str
    iso3: str | None  # None: a global figure (WLD)
    theme: str
    indicator: str
    value: object  # int, Decimal or a partial date string, by indicator
    raw_value: str
    unit: str
    data_year: int | None
    as_of_date: str
    edition: str
    source_title: str
    source_url: str
    quote: str
    confidence: str

    @property
    def spec(self) -> Indicator:
        return INDICATORS[self.indicator]

    @property
    def source_key(self) -> tuple[str, str]:
        return (self.source_title, self.source_url)

    def as_dict(self) -> dict[str, str]:
        """The row as it is stored in the seed file."""
        return {
            "fact_id": self.fact_id,
            "country_iso3": self.iso3 or GLOBAL_CODE,
            "theme": self.theme,
            "indicator": self.indicator,
            "value": self.raw_value,
            "unit": self.unit,
            "data_year": "" if self.data_year is None else str(self.data_year),
            "as_of_date": self.as_of_date,
            "edition": self.edition,
            "source_title": self.source_title,
            "source_url": self.source_url,
            "quote": self.quote,
            "confidence": self.confidence,
        }


def _parse_count(value: str) -> int:
    text = value.replace(",", "").strip()
    if not re.fullmatch(r"\d+", text):
        raise CellError(f"expected a whole number of 0 or more, got {value!r}")
    return int(text)


def _parse_partial_date(value: str) -> str:
    return THEMES["stockpiles"].column("destruction_completed_on").parse(value)  # type: ignore[return-value]


def _parse_value(spec: Indicator, unit: str, value: str) -> object:
    if spec.target == "record":
        parsed = THEMES[spec.theme].column(spec.field).parse(value)
        if parsed is None:
            raise CellError("is required")
        return parsed
    if spec.target == "count":
        return _parse_count(value)
    text = _parse_partial_date(value)
    if text is None:
        raise CellError("is required")
    if unit == "year" and len(text) != 4:
        raise CellError(f"the unit is year but the value is {value!r}; expected YYYY")
    if unit == "date" and len(text) == 4:
        raise CellError(f"the unit is date but the value is a year ({value!r}); use unit year")
    return text


_URL = URLValidator()


def _validate_rows(
    file: str, rows: Iterable[tuple[int, dict[str, str]]], header: Sequence[str]
) -> tuple[list[Fact], list[ImportIssue]]:
    """Convert every row; collect every problem (file, row, column)."""
    issues: list[ImportIssue] = []
    missing = [c for c in FACT_COLUMNS if c not in header]
    if missing:
        return [], [ImportIssue(file, 1, c, "column is missing from the header") for c in missing]
    countries = {r.iso3 for r in load_country_records()}
    facts: list[Fact] = []
    seen_ids: dict[str, int] = {}
    data_year_col = THEMES["casualties"].column("data_year")
    for number, raw in rows:
        cells = {k: (raw.get(k) or "").strip() for k in FACT_COLUMNS}
        bad: list[ImportIssue] = []

        def problem(column: str, message: str, _n=number, _bad=bad) -> None:
            _bad.append(ImportIssue(file, _n, column, message))

        fact_id = cells["fact_id"]
        if not fact_id:
            problem("fact_id", "is required")
        elif fact_id in seen_ids:
            problem("fact_id", f"{fact_id!r} is also used in row {seen_ids[fact_id]}")
        else:
            seen_ids[fact_id] = number
        code = cells["country_iso3"].upper()
        if not code:
            problem("country_iso3", "is required")
        elif code != GLOBAL_CODE and code not in countries:
            problem(
                "country_iso3",
                f"unknown country {cells['country_iso3']!r}: expected an ISO 3166-1 alpha-3 "
                f"code, a Monitor other-area code or {GLOBAL_CODE}",
            )
        indicator = cells["indicator"]
        spec = INDICATORS.get(indicator)
        if spec is None:
            problem(
                "indicator",
                f"unknown indicator {indicator!r}; expected one of {', '.join(INDICATORS)}"
                if indicator
                else "is required",
            )
        elif cells["theme"] not in spec.themes:
            problem(
                "theme",
                f"{cells['theme']!r} does not go with indicator {indicator!r} "
                f"(expected {' or '.join(spec.themes)})",
            )
        value: object = None
        if spec is not None:
            if cells["unit"] not in spec.units:
                problem(
                    "unit",
                    f"{cells['unit']!r} is not a unit of {indicator} "
                    f"(expected {' or '.join(spec.units)})",
                )
            elif not cells["value"]:
                problem("value", "is required")
            else:
                try:
                    value = _parse_value(spec, cells["unit"], cells["value"])
                except CellError as exc:
                    problem("value", str(exc))
            if spec.target != "record" and code == GLOBAL_CODE:
                problem("country_iso3", f"{indicator} is about one State: {GLOBAL_CODE} is not one")
        data_year = None
        if cells["data_year"]:
            try:
                data_year = data_year_col.parse(cells["data_year"])
            except CellError as exc:
                problem("data_year", str(exc))
        if (
            spec is not None
            and data_year is None
            and not cells["data_year"]
            and spec.target == "record"
            and spec.theme != "contamination"
        ):
            problem("data_year", "is required for this indicator")
        if cells["as_of_date"] and not _PARTIAL_DATE.match(cells["as_of_date"]):
            problem(
                "as_of_date", f"expected YYYY, YYYY-MM or YYYY-MM-DD, got {cells['as_of_date']!r}"
            )
        elif cells["as_of_date"]:
            try:
                _parse_partial_date(cells["as_of_date"])
            except CellError as exc:
                problem("as_of_date", str(exc))
        edition = " ".join(cells["edition"].split())
        if not edition:
            problem("edition", "is required")
        elif len(edition) > 120:
            problem("edition", f"at most 120 characters, got {len(edition)}")
        elif (
            spec is not None
            and spec.target == "record"
            and spec.theme == "contamination"
            and not cells["data_year"]
            and _edition_data_year(edition) is None
        ):
            problem(
                "data_year",
                "is empty and the edition names no report year to take the data year from",
            )
        if not cells["source_title"]:
            problem("source_title", "is required")
        elif len(cells["source_title"]) > 300:
            problem("source_title", f"at most 300 characters, got {len(cells['source_title'])}")
        if cells["source_url"]:
            try:
                _URL(cells["source_url"])
                if len(cells["source_url"]) > 500:
                    raise ValidationError("too long")
            except ValidationError:
                problem(
                    "source_url",
                    f"not a valid URL (500 characters at most): {cells['source_url']!r}",
                )
        if not cells["quote"]:
            problem("quote", "is required: every value cites the passage showing it")
        elif len(cells["quote"]) > QUOTE_MAX:
            problem("quote", f"at most {QUOTE_MAX} characters, got {len(cells['quote'])}")
        if cells["confidence"] not in _CONFIDENCE_ORDER:
            problem("confidence", f"expected H, M or L, got {cells['confidence']!r}")
        if bad:
            issues.extend(bad)
            continue
        facts.append(
            Fact(
                row=number,
                fact_id=fact_id,
                iso3=None if code == GLOBAL_CODE else code,
                theme=cells["theme"],
                indicator=indicator,
                value=value,
                raw_value=cells["value"],
                unit=cells["unit"],
                data_year=data_year,  # type: ignore[arg-type]
                as_of_date=cells["as_of_date"],
                edition=edition,
                source_title=cells["source_title"],
                source_url=cells["source_url"],
                quote=cells["quote"],
                confidence=cells["confidence"],
            )
        )
    return facts, issues


def _edition_data_year(name: str) -> int | None:
    """The data year `edition_get_or_create` gives a new edition: report year - 1."""
    years = [int(m.group(0)) for m in _YEAR.finditer(name)]
    return years[-1] - 1 if years else None


def facts_read(path: Path | str) -> list[Fact]:
    """Read and validate a facts CSV; raises FactsImportError listing every problem."""
    path = Path(path)
    try:
        table = read_table(path)
    except TableError as exc:
        raise FactsImportError([ImportIssue(path.name, exc.row, "", exc.detail)]) from None
    facts, issues = _validate_rows(path.name, table.rows, table.header)
    if issues:
        raise FactsImportError(issues)
    return facts


def _seed_facts(path: Path) -> list[Fact]:
    data = json.loads(path.read_text(encoding="utf-8"))
    rows = [(n, row) for n, row in enumerate(data["facts"], start=1)]
    facts, issues = _validate_rows(path.name, rows, list(FACT_COLUMNS))
    if issues:
        raise FactsImportError(issues)
    return facts


# --- mapping ---------------------------------------------------------------------------


@dataclass
class _PlannedRecord:
    theme: str
    iso3: str | None
    data_year: int
    edition: str
    source: tuple[str, str]
    publication_date: str
    values: dict[str, object]
    facts: list[Fact] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def record_values(self) -> dict[str, object]:
        quotes = list(dict.fromkeys(f.quote for f in self.facts))
        confidence = min((f.confidence for f in self.facts), key=_CONFIDENCE_ORDER.__getitem__)
        ids = ", ".join(f.fact_id for f in self.facts)
        note = " ".join([f"Seed facts {ids} (monitor_facts.csv).", *self.notes])
        return {**self.values, "quote": "\n".join(quotes), "confidence": confidence, "note": note}


@dataclass
class _PlannedExtension:
    fact: Fact
    treaty: str
    iso3: str
    kind: str
    new_deadline: date
    status: str
    source: str
    source_url: str
    decided_on: date | None = None
    decided_by: str = ""
    cumulative: bool = False
    count: int | None = None

    @property
    def key(self) -> tuple:
        return (self.treaty, self.iso3, self.kind, self.new_deadline, self.status)

    def as_rule(self) -> ob_rules.Extension:
        return ob_rules.Extension(
            self.new_deadline,
            decided_on=self.decided_on,
            decided_by=self.decided_by,
            granted=self.status == ObligationExtension.Status.GRANTED,
            source=self.source,
            cumulative=self.cumulative,
            count=self.count,
        )


@dataclass
class _PlannedFact:
    fact: Fact
    treaty: str
    iso3: str
    kind: str
    day: date
    source: str
    source_url: str


@dataclass
class _Plan:
    records: list[_PlannedRecord] = field(default_factory=list)
    extensions: list[_PlannedExtension] = field(default_factory=list)
    obligation_facts: list[_PlannedFact] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[ImportIssue] = field(default_factory=list)


class _Unplaceable(ValueError):
    pass


_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_END_OF = re.compile(r"\bend of (?:(?P<month>[A-Za-z]+) )?(?P<year>\d{4})\b", re.IGNORECASE)


def place_deadline(value: str, quote: str) -> tuple[date, str]:
    """The day a deadline value stands for, and a note when the value was not a full date.

    A full date is used as given. A year-month or a year is placed on the last day of that
    period only when the quote says "end of" that period ("end of 2025", "end of December
    2026"); otherwise `_Unplaceable` is raised: no day is invented.
    """
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 3:
        return date(*parts), ""
    year, month = parts[0], (parts[1] if len(parts) == 2 else None)
    for m in _END_OF.finditer(quote):
        if int(m["year"]) != year:
            continue
        if m["month"]:
            quote_month = _MONTHS.get(m["month"].lower())
            if quote_month is None or (month is not None and month != quote_month):
                continue
            last = quote_month
        else:
            if month not in (None, 12):
                continue
            last = 12
        day = date(year, last, calendar.monthrange(year, last)[1])
        return day, f'the source says "{m.group(0)}", stored as {day.isoformat()}'
    period = "month" if month else "year"
    raise _Unplaceable(
        f'{value} gives only the {period} and the quote does not say "end of" that {period}: '
        "no day can be placed"
    )


def place_completion(value: str) -> tuple[date, str]:
    """A completion date: the first day of the period given, with a note if only partial."""
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 3:
        return date(*parts), ""
    day = date(parts[0], parts[1] if len(parts) == 2 else 1, 1)
    period = "month" if len(parts) == 2 else "year"
    return day, f"only the {period} is known ({value}), stored as {day.isoformat()}"


_ORDINALS = {
    w: i
    for i, w in enumerate(
        "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
        "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth".split(),
        start=1,
    )
}
_TENS = {"twenty": 20, "thirty": 30, "twentieth": 20, "thirtieth": 30}
_MEETING_NUM = re.compile(
    r"\b(\d+)(?:st|nd|rd|th)\s+(Meeting of (?:the\s+)?States Parties|Review Conference)\b", re.I
)
_MEETING_WORD = re.compile(
    r"\b(?:(twenty|thirty)-)?([a-z]+)\s+(Meeting of (?:the\s+)?States Parties|Review Conference)\b",
    re.I,
)
_MEETING_SHORT = re.compile(r"\b(\d+)(MSP|RC)\b")


def meeting_name(edition: str) -> str:
    """The meeting an edition names, in short form ("18MSP", "21MSP", "5RC"), else ""."""

    def short(n: int, what: str) -> str:
        return f"{n}{'RC' if what.lower().startswith('review') else 'MSP'}"

    if m := _MEETING_NUM.search(edition):
        return short(int(m.group(1)), m.group(2))
    if m := _MEETING_WORD.search(edition):
        tens, unit = (m.group(1) or "").lower(), m.group(2).lower()
        if unit in _TENS and not tens:
            return short(_TENS[unit], m.group(3))
        if unit in _ORDINALS:
            return short(_TENS.get(tens, 0) + _ORDINALS[unit], m.group(3))
    if m := _MEETING_SHORT.search(edition):
        return f"{m.group(1)}{m.group(2)}"
    return ""


def _citation(fact: Fact, *notes: str) -> str:
    """Source text for treaty obligation data: title (edition, as of), confidence, notes."""
    bits = [fact.edition] + ([f"as of {fact.as_of_date}"] if fact.as_of_date else [])
    tail = f" ({', '.join(bits)}); confidence {fact.confidence}"
    extra = "".join(f"; {n}" for n in notes if n)
    title = fact.source_title
    room = 300 - len(tail) - len(extra)
    if len(title) > room:
        title = title[: max(room - 1, 10)].rstrip() + "…"
    return (title + tail + extra)[:300]


def _full_date(text: str) -> date | None:
    return date.fromisoformat(text) if len(text) == 10 else None


class _Planner:
    def __init__(self, file: str, facts: Sequence[Fact]):
        self.file = file
        self.facts = facts
        self.issues: list[ImportIssue] = []
        self.plan = _Plan()
        self._timelines: dict[tuple[str, str], object] = {}

    def issue(self, fact: Fact, column: str, message: str) -> None:
        self.issues.append(ImportIssue(self.file, fact.row, column, f"{fact.fact_id}: {message}"))

    def skip(self, fact: Fact, reason: str) -> None:
        self.plan.skipped.append(Skipped(fact.row, fact.fact_id, reason))

    def run(self) -> _Plan:
        self._check_countries()
        self._records(
            [f for f in self.facts if f.spec.target == "record" or _is_completion_record(f)]
        )
        self._obligations([f for f in self.facts if f.spec.target != "record"])
        return self.plan

    def _check_countries(self) -> None:
        wanted = {f.iso3 for f in self.facts if f.iso3}
        present = set(Country.objects.filter(iso3__in=wanted).values_list("iso3", flat=True))
        for f in self.facts:
            if f.iso3 and f.iso3 not in present:
                self.issue(
                    f, "country_iso3", f"{f.iso3} is not in the database (run `monitor seed`)"
                )

    # research records

    def _records(self, facts: Sequence[Fact]) -> None:
        groups: dict[tuple, _PlannedRecord] = {}
        origin: dict[tuple, dict[str, Fact]] = defaultdict(dict)
        sources: dict[tuple[str, str], str] = {}
        for f in self.facts:
            sources.setdefault(f.source_key, f.as_of_date)
        for f in facts:
            spec = f.spec
            notes = []
            if spec.target == "completed":  # ccm_art3_completed: the stockpile record
                theme, key = "stockpiles", (("treaty", "ccm"),)
                values = {"destruction_completed_on": f.value}
                data_year = f.data_year or int(str(f.value)[:4])
            else:
                theme, key = spec.theme, spec.key
                values = {spec.field: f.value}
                data_year = f.data_year
                if theme == "contamination":
                    values["as_of_date"] = f.as_of_date or None
                    if data_year is None:
                        data_year = _edition_data_year(f.edition)
                        notes.append(
                            f"The source row gives no data year; {data_year} is the data year "
                            f"of {f.edition} (report year - 1, DOMAIN 5.1)."
                        )
            group_key = (theme, f.iso3, data_year, f.edition, f.source_key, key)
            planned = groups.get(group_key)
            if planned is None:
                planned = groups[group_key] = _PlannedRecord(
                    theme=theme,
                    iso3=f.iso3,
                    data_year=data_year,  # type: ignore[arg-type]
                    edition=f.edition,
                    source=f.source_key,
                    publication_date=sources[f.source_key],
                    values=dict(key),
                )
                self.plan.records.append(planned)
            for name, value in values.items():
                if name in planned.values and planned.values[name] != value:
                    earlier = origin[group_key].get(name)
                    self.issue(
                        f,
                        "value",
                        f"{name} = {value} conflicts with {planned.values[name]} from "
                        f"{earlier.fact_id if earlier else 'another row'} (same country, year, "
                        "edition and source)",
                    )
                    continue
                planned.values[name] = value
                origin[group_key].setdefault(name, f)
            planned.facts.append(f)
            planned.notes.extend(n for n in notes if n not in planned.notes)
        for key, planned in groups.items():
            values = {**planned.values, "data_year": planned.data_year}
            for check in THEMES[planned.theme].checks:
                for column, message in check(values):
                    f = origin[key].get(column, planned.facts[0])
                    if (
                        planned.theme == "casualties"
                        and column == "total"
                        and values.get("total") is None
                    ):
                        self.plan.warnings.append(
                            ImportIssue(
                                self.file,
                                f.row,
                                "value",
                                f"{', '.join(x.fact_id for x in planned.facts)}: {message}; the "
                                "source gives no total, so none is stored",
                            )
                        )
                        continue
                    self.issue(f, "value", f"{THEMES[planned.theme].label}: {message}")

    # treaty obligation data

    def _timeline(self, iso3: str, treaty: str):
        from monitor.treaties.selectors import country_treaty_timeline

        key = (iso3, treaty)
        if key not in self._timelines:
            self._timelines[key] = country_treaty_timeline(iso3=iso3, treaty=treaty)
        return self._timelines[key]

    def _original(self, f: Fact) -> date | None:
        spec = f.spec
        tl = self._timeline(f.iso3, spec.treaty)  # type: ignore[arg-type]
        if tl.eif is None:
            self.issue(
                f,
                "country_iso3",
                f"{f.iso3} has no instrument deposited for {spec.treaty} in the treaty events, "
                "so it has no deadline (run `monitor seed`)",
            )
            return None
        rule = ob_rules.deadline_for(spec.treaty, ob_rules.Kind(spec.kind))
        return add_years(tl.eif.date, rule.years_after_eif)

    def _obligations(self, facts: Sequence[Fact]) -> None:
        granted: dict[tuple, _PlannedExtension] = {}
        requested: dict[tuple, _PlannedExtension] = {}
        confirmed: dict[tuple, Fact] = {}  # deadlines equal to the original, by source
        counts: list[Fact] = []
        completions: dict[tuple, _PlannedFact] = {}
        for f in facts:
            spec = f.spec
            iso3: str = f.iso3  # type: ignore[assignment]
            original = self._original(f)
            if original is None:
                continue
            rule = ob_rules.deadline_for(spec.treaty, ob_rules.Kind(spec.kind))
            label = f"{spec.treaty.upper()} {rule.article}"
            if spec.target == "original":
                if f.value != original.isoformat():
                    self.issue(
                        f,
                        "value",
                        f"{label} original deadline {f.value} is not the one computed from entry "
                        f"into force ({original.isoformat()})",
                    )
                else:
                    self.skip(
                        f,
                        f"the original {label} deadline is computed from entry into force, not "
                        f"stored; the value equals the computed {original.isoformat()}",
                    )
            elif spec.target == "count":
                counts.append(f)
            elif spec.target == "completed":
                day, note = place_completion(str(f.value))
                key = (spec.treaty, iso3, spec.kind)
                earlier = completions.get(key)
                if earlier is not None:
                    if earlier.day != day:
                        self.issue(
                            f,
                            "value",
                            f"completion {day.isoformat()} conflicts with "
                            f"{earlier.day.isoformat()} from {earlier.fact.fact_id}",
                        )
                    else:
                        self.skip(f, f"completion already recorded from {earlier.fact.fact_id}")
                    continue
                completions[key] = _PlannedFact(
                    f, spec.treaty, iso3, spec.kind, day, _citation(f, note), f.source_url
                )
            elif spec.target in ("deadline", "requested"):
                try:
                    day, note = place_deadline(str(f.value), f.quote)
                except _Unplaceable as exc:
                    if spec.target == "deadline":
                        self.issue(f, "value", str(exc))
                    else:
                        self.skip(
                            f,
                            f"requested extension not placed on the timeline: {exc}",
                        )
                    continue
                if day < original or (day == original and spec.target == "requested"):
                    self.issue(
                        f,
                        "value",
                        f"{label} deadline {day.isoformat()} is not after the original deadline "
                        f"{original.isoformat()} computed from entry into force",
                    )
                    continue
                if day == original:
                    confirmed[(spec.treaty, iso3, spec.kind, f.source_key)] = f
                    self.skip(
                        f,
                        f"confirms the original {label} deadline {original.isoformat()} computed "
                        "from entry into force: no extension to store",
                    )
                    continue
                is_granted = spec.target == "deadline"
                planned = _PlannedExtension(
                    fact=f,
                    treaty=spec.treaty,
                    iso3=iso3,
                    kind=spec.kind,
                    new_deadline=day,
                    status=ObligationExtension.Status.GRANTED
                    if is_granted
                    else ObligationExtension.Status.REQUESTED,
                    source=_citation(f, note),
                    source_url=f.source_url,
                    decided_on=_full_date(f.as_of_date) if is_granted else None,
                    decided_by=meeting_name(f.edition) if is_granted else "",
                    cumulative=is_granted,
                )
                store = granted if is_granted else requested
                other = store.get(planned.key)
                if other is None:
                    store[planned.key] = planned
                    continue
                keep, drop = sorted(
                    (other, planned), key=lambda p: (p.fact.as_of_date, p.fact.row), reverse=True
                )
                store[planned.key] = keep
                self.skip(
                    drop.fact,
                    f"the same deadline {day.isoformat()} is stored once, citing the more recent "
                    f"{keep.fact.fact_id}",
                )
        for f in counts:
            spec = f.spec
            match = [
                p
                for p in granted.values()
                if (p.treaty, p.iso3, p.kind) == (spec.treaty, f.iso3, spec.kind)
                and p.fact.source_key == f.source_key
            ]
            conf = confirmed.get((spec.treaty, f.iso3, spec.kind, f.source_key))
            if f.value == 0:
                if conf is None:
                    self.issue(
                        f,
                        "value",
                        "0 extensions, but the same source gives no deadline equal to the "
                        "original one",
                    )
                else:
                    self.skip(f, f"0 extensions: consistent with {conf.fact_id}")
                continue
            if not match:
                self.issue(
                    f,
                    "value",
                    "a number of extensions needs a deadline from the same source to go with"
                    + (f" ({conf.fact_id} gives the original deadline)" if conf else ""),
                )
                continue
            latest = max(match, key=lambda p: p.new_deadline)
            latest.count = f.value  # type: ignore[assignment]
        self._check_chains(granted.values())
        self.plan.extensions = sorted(
            [*granted.values(), *requested.values()], key=lambda p: p.fact.row
        )
        self.plan.obligation_facts = sorted(completions.values(), key=lambda p: p.fact.row)

    def _check_chains(self, planned: Iterable[_PlannedExtension]) -> None:
        """Every granted deadline, with those already stored, must pass the treaty's rules."""
        by_obligation: dict[tuple, list[_PlannedExtension]] = defaultdict(list)
        for p in planned:
            by_obligation[(p.treaty, p.iso3, p.kind)].append(p)
        for (treaty, iso3, kind), items in by_obligation.items():
            mine = {p.new_deadline for p in items}
            stored = [
                (
                    ob_rules.Extension(
                        e.new_deadline, cumulative=e.cumulative, count=e.extension_count
                    ),
                    None,
                )
                for e in ObligationExtension.objects.filter(
                    treaty_id=treaty,
                    country_id=iso3,
                    kind=kind,
                    status=ObligationExtension.Status.GRANTED,
                )
                if e.new_deadline not in mine
            ]
            chain = sorted(
                [*stored, *((p.as_rule(), p) for p in items)], key=lambda x: x[0].new_deadline
            )
            original = self._original(items[0].fact)
            assert original is not None
            due = original
            k = ob_rules.Kind(kind)
            for ext, p in chain:
                try:
                    if ext.cumulative:
                        ob_rules.validate_cumulative_extension(
                            treaty, k, original, due, ext.new_deadline, ext.count
                        )
                    else:
                        ob_rules.validate_extension(treaty, k, due, ext.new_deadline)
                except ob_rules.ExtensionError as exc:
                    if p is not None:
                        self.issue(p.fact, "value", f"{iso3} {treaty} {kind}: {exc}")
                    else:
                        self.issues.append(
                            ImportIssue(
                                self.file,
                                None,
                                "",
                                f"stored extension of {iso3} {treaty} {kind}: {exc}",
                            )
                        )
                due = ext.new_deadline


def _is_completion_record(f: Fact) -> bool:
    """ccm_art3_completed also goes on the research stockpile record."""
    return (
        f.spec.target == "completed"
        and f.spec.treaty == "ccm"
        and f.spec.kind == ("stockpile_destruction")
    )


# --- writing ---------------------------------------------------------------------------


def _write(plan: _Plan, report: FactsReport, file: str) -> None:
    countries = Country.objects.in_bulk({p.iso3 for p in plan.records if p.iso3})
    editions: dict[str, object] = {}
    sources: dict[tuple[str, str], object] = {}
    for p in plan.records:
        first = p.facts[0]
        try:
            if p.edition not in editions:
                editions[p.edition] = edition_get_or_create(name=p.edition)[0]
            if p.source not in sources:
                sources[p.source] = source_get_or_create(
                    title=p.source[0], url=p.source[1], publication_date=p.publication_date
                )[0]
            values = {
                **p.record_values(),
                "country": countries.get(p.iso3) if p.iso3 else None,
                "data_year": p.data_year,
                "edition": editions[p.edition],
                "source": sources[p.source],
            }
            result = record_upsert(
                theme=THEMES[p.theme],
                values=values,
                audit=AuditContext(via=f"import-facts {file}", reason=f"fact {first.fact_id}"),
            )
        except (ValidationError, ResearchDataError) as exc:
            detail = "; ".join(getattr(exc, "messages", None) or [str(exc)])
            raise FactsImportError(
                [ImportIssue(file, first.row, "", f"{first.fact_id}: cannot be stored: {detail}")]
            ) from None
        outcome = "created" if result.created else "updated" if result.changed else "unchanged"
        report.counts[p.theme][outcome] += 1
    for e in plan.extensions:
        defaults = {
            "decided_on": e.decided_on,
            "decided_by": e.decided_by,
            "source": e.source,
            "source_url": e.source_url,
            "cumulative": e.cumulative,
            "extension_count": e.count,
        }
        existing = ObligationExtension.objects.filter(
            treaty_id=e.treaty,
            country_id=e.iso3,
            kind=e.kind,
            new_deadline=e.new_deadline,
            status=e.status,
        ).first()
        if existing is None:
            obj = ObligationExtension(
                treaty_id=e.treaty,
                country_id=e.iso3,
                kind=e.kind,
                new_deadline=e.new_deadline,
                status=e.status,
                **defaults,
            )
            outcome = "created"
        else:
            obj = existing
            changed = [k for k, v in defaults.items() if getattr(obj, k) != v]
            for k in changed:
                setattr(obj, k, defaults[k])
            outcome = "updated" if changed else "unchanged"
        if outcome != "unchanged":
            _save(obj, e.fact, file)
        report.counts["obligation_extensions"][outcome] += 1
    for of in plan.obligation_facts:
        defaults = {"date": of.day, "source": of.source, "source_url": of.source_url}
        existing = ObligationFact.objects.filter(
            treaty_id=of.treaty,
            country_id=of.iso3,
            kind=of.kind,
            fact=ObligationFact.Fact.COMPLETED,
        ).first()
        if existing is None:
            obj = ObligationFact(
                treaty_id=of.treaty,
                country_id=of.iso3,
                kind=of.kind,
                fact=ObligationFact.Fact.COMPLETED,
                **defaults,
            )
            outcome = "created"
        else:
            obj = existing
            changed = [k for k, v in defaults.items() if getattr(obj, k) != v]
            for k in changed:
                setattr(obj, k, defaults[k])
            outcome = "updated" if changed else "unchanged"
        if outcome != "unchanged":
            _save(obj, of.fact, file)
        report.counts["obligation_facts"][outcome] += 1


def _save(obj, fact: Fact, file: str) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise FactsImportError(
            [
                ImportIssue(
                    file,
                    fact.row,
                    "",
                    f"{fact.fact_id}: cannot be stored: {'; '.join(exc.messages)}",
                )
            ]
        ) from None
    obj.save()


def facts_load(facts: Sequence[Fact], *, file: str, dry_run: bool = False) -> FactsReport:
    """Map validated facts to records and write them in one transaction; idempotent.

    Raises FactsImportError with every problem found; nothing is written then. With dry_run
    the counts are computed and the transaction is rolled back.
    """
    report = FactsReport(file=file, facts=len(facts), dry_run=dry_run)
    with transaction.atomic():
        planner = _Planner(file, facts)
        plan = planner.run()
        if planner.issues:
            raise FactsImportError(
                sorted(planner.issues, key=lambda i: (i.row is None, i.row or 0))
            )
        report.skipped = plan.skipped
        report.warnings = plan.warnings
        _write(plan, report, file)
        if dry_run:
            transaction.set_rollback(True)
        else:
            from monitor.web.cache import data_version_bump

            data_version_bump()  # published data changed: cached pages are stale
    return report


def facts_import(path: Path | str, *, dry_run: bool = False) -> FactsReport:
    """Validate and import a facts CSV (see the module docstring for the mapping)."""
    path = Path(path)
    return facts_load(facts_read(path), file=path.name, dry_run=dry_run)


def facts_seed_build(csv_path: Path | str, output: Path | str = SEED_FACTS) -> dict:
    """Write the bundled research seed from a facts CSV: every validated fact with its citation.

    Only the file is validated here (no database needed); `facts_seed_load` maps the facts
    exactly as `facts_import` does.
    """
    csv_path = Path(csv_path)
    facts = facts_read(csv_path)
    data = {
        "generated_by": (
            "monitor.research.importers.facts.facts_seed_build "
            f"from {csv_path.name}: one entry per cited fact"
        ),
        "columns": list(FACT_COLUMNS),
        "facts": [f.as_dict() for f in facts],
    }
    Path(output).write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return data


def facts_seed_load(*, path: Path = SEED_FACTS) -> FactsReport:
    """Load the bundled research seed (after countries, treaties and treaty events)."""
    return facts_load(_seed_facts(path), file=path.name)
