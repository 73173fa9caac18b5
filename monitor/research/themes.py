"""Declarations of the research themes: columns, types, HXL tags, natural keys, checks.

One declaration drives the import template, the importer's validation, the exports and the
API, so a column added here appears everywhere at once. Framework-light: the checks are
pure functions over converted row values.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from monitor.research import models as m


class CellError(ValueError):
    """A value that cannot be converted; the message says what was expected."""


_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _int(value: str) -> int:
    text = value.replace(",", "").replace("\u00a0", "").strip()
    if text.endswith(".0"):
        text = text[:-2]
    if not re.fullmatch(r"-?\d+", text):
        raise CellError(f"expected a whole number, got {value!r}")
    return int(text)


def _nonneg_int(value: str) -> int:
    n = _int(value)
    if n < 0:
        raise CellError(f"must not be negative, got {n}")
    return n


def _decimal(value: str) -> Decimal:
    text = value.replace(",", "").replace("\u00a0", "").strip()
    try:
        d = Decimal(text)
    except InvalidOperation:
        raise CellError(f"expected a number, got {value!r}") from None
    if not d.is_finite():
        raise CellError(f"expected a number, got {value!r}")
    return d


def _area(value: str) -> Decimal:
    d = _decimal(value)
    if d < 0:
        raise CellError(f"area must not be negative, got {d}")
    if d.as_tuple().exponent < -2:  # type: ignore[operator]
        raise CellError(f"km² are stored with 2 decimals, got {value!r}")
    return d


def _money(value: str) -> Decimal:
    d = _decimal(value.replace("$", "").replace("US", ""))
    if d < 0:
        raise CellError(f"amount must not be negative, got {d}")
    return d


def _year(value: str) -> int:
    n = _int(value)
    if not 1990 <= n <= 2100:
        raise CellError(f"expected a year between 1990 and 2100, got {n}")
    return n


def _partial_date(value: str) -> str:
    text = value.strip()
    if not _PARTIAL_DATE.match(text):
        raise CellError(f"expected YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}")
    parts = [int(p) for p in text.split("-")]
    try:
        date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        raise CellError(f"no such date: {value!r}") from None
    return text


def _date(value: str) -> date:
    text = value.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise CellError(f"expected YYYY-MM-DD, got {value!r}")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CellError(f"no such date: {value!r}") from None


def _bool(value: str) -> bool:
    text = value.strip().lower()
    if text in {"yes", "true", "1", "y"}:
        return True
    if text in {"no", "false", "0", "n"}:
        return False
    raise CellError(f"expected yes or no, got {value!r}")


def _text(value: str) -> str:
    return value.strip()


@dataclass(frozen=True)
class Column:
    name: str
    convert: Callable[[str], object] = _text
    required: bool = False
    choices: tuple[str, ...] = ()
    hxl: str = ""
    help: str = ""
    #: "country" and "source" hold codes resolved against the database by the importer.
    lookup: str = ""

    def parse(self, raw: str) -> object:
        """Convert one cell; empty cells are None (or an error if required)."""
        if raw is None or str(raw).strip() == "":
            if self.required:
                raise CellError("is required")
            return None
        value = self.convert(str(raw))
        if self.choices and value not in self.choices:
            raise CellError(f"expected one of {', '.join(self.choices)}, got {value!r}")
        return value


def _choices(model, field_name: str) -> tuple[str, ...]:
    return tuple(k for k, _ in model._meta.get_field(field_name).choices)


COMMON_HEAD = (
    Column(
        "country",
        required=True,
        lookup="country",
        hxl="#country+code",
        help="ISO 3166-1 alpha-3 code, a Monitor other-area code, or WLD for a global figure",
    ),
    Column(
        "data_year",
        _year,
        required=True,
        hxl="#date+year",
        help="calendar year the figure describes",
    ),
)
COMMON_TAIL = (
    Column(
        "source",
        required=True,
        lookup="source",
        hxl="#meta+source",
        help="key of a source already loaded (monitor import sources FILE)",
    ),
    Column("quote", hxl="#meta+quote", help="shortest passage showing the figure"),
    Column("confidence", choices=("H", "M", "L"), hxl="#meta+confidence", help="H, M or L"),
    Column(
        "preferred",
        _bool,
        hxl="#meta+preferred",
        help="yes if this value is preferred where sources disagree",
    ),
    Column("preferred_reason", hxl="#meta+preferred+reason", help="why it is preferred"),
    Column("note", hxl="#meta+note"),
)

Check = Callable[[dict], list[tuple[str, str]]]


@dataclass(frozen=True)
class Theme:
    name: str
    label: str
    model: type
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    checks: tuple[Check, ...] = field(default=())
    edition_bound: bool = True

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _precision(d: Decimal) -> int:
    return max(0, -d.as_tuple().exponent)  # type: ignore[operator]


def check_released_is_sum(row: dict) -> list[tuple[str, str]]:
    """Land released = cancelled + reduced + cleared, at the precision the source printed.

    The Monitor rounds (e.g. Cambodia 2015: 147 km² released of 70.38 + 30.11 + 46.47), so the
    sum is compared after rounding it to the decimals of the released figure.
    """
    parts = [row.get(k) for k in ("cancelled_km2", "reduced_km2", "cleared_km2")]
    released = row.get("released_km2")
    if released is None or any(p is None for p in parts):
        return []
    total = sum(parts, Decimal(0))
    # normalize(): a stored 147.00 was printed as 147, so compare at 0 decimals.
    places = Decimal(1).scaleb(-_precision(released.normalize()))
    if total.quantize(places, rounding=ROUND_HALF_UP) != released:
        return [
            ("released_km2", f"released {released} is not cancelled + reduced + cleared = {total}")
        ]
    return []


CASUALTY_GROUPS = {
    "outcome": ("killed", "injured", "outcome_unknown"),
    "status": ("civilian", "military", "deminer", "status_unknown"),
    "age": ("child", "adult", "age_unknown"),
    "sex": ("female", "male", "sex_unknown"),
    "device": (
        "ap_mine",
        "improvised_mine",
        "av_mine",
        "unspecified_mine",
        "cmr",
        "other_erw",
        "device_unknown",
    ),
}


def check_casualty_totals(row: dict) -> list[tuple[str, str]]:
    """Each disaggregation sums to the total when complete, and never exceeds it."""
    errors = []
    total = row.get("total")
    for group, cols in CASUALTY_GROUPS.items():
        values = [row.get(c) for c in cols]
        present = [v for v in values if v is not None]
        if not present:
            continue
        s = sum(present)
        if total is None:
            if len(present) == len(values):
                errors.append(
                    ("total", f"total is missing but the {group} breakdown is complete ({s})")
                )
            continue
        if len(present) == len(values) and s != total:
            errors.append(
                (cols[0], f"{group} breakdown {' + '.join(cols)} = {s}, not the total {total}")
            )
        elif s > total:
            errors.append(
                (cols[0], f"{group} breakdown adds up to {s}, more than the total {total}")
            )
    return errors


def check_stockpile(row: dict) -> list[tuple[str, str]]:
    """A stockpile whose destruction is completed holds nothing (retained mines aside)."""
    if row.get("destruction_completed_on") and row.get("held") not in (None, 0):
        return [("held", "destruction is marked completed but a stockpile is still held")]
    return []


THEMES: dict[str, Theme] = {}


def _theme(name, label, model, body: tuple[Column, ...], key, checks=()):
    THEMES[name] = Theme(
        name=name,
        label=label,
        model=model,
        columns=COMMON_HEAD + body + COMMON_TAIL,
        key=("country", "data_year", "source", *key),
        checks=tuple(checks),
    )


_theme(
    "contamination",
    "Contamination",
    m.Contamination,
    (
        Column(
            "device_class",
            required=True,
            choices=_choices(m.Contamination, "device_class"),
            hxl="#indicator+device",
        ),
        Column(
            "area_km2",
            _area,
            required=True,
            hxl="#indicator+area+km2",
            help="estimated area, km², 2 decimals",
        ),
        Column(
            "estimate_quality",
            choices=_choices(m.Contamination, "estimate_quality"),
            hxl="#indicator+quality",
        ),
        Column("as_of_date", _partial_date, hxl="#date+asof"),
    ),
    key=("device_class", "estimate_quality"),
)
_theme(
    "land_release",
    "Land release",
    m.LandRelease,
    (
        Column("hazard", choices=_choices(m.LandRelease, "hazard"), hxl="#indicator+hazard"),
        Column("cancelled_km2", _area, hxl="#indicator+cancelled+km2"),
        Column("reduced_km2", _area, hxl="#indicator+reduced+km2"),
        Column("cleared_km2", _area, hxl="#indicator+cleared+km2"),
        Column(
            "released_km2",
            _area,
            hxl="#indicator+released+km2",
            help="cancelled + reduced + cleared",
        ),
        Column("ap_mines_destroyed", _nonneg_int, hxl="#indicator+destroyed+apm"),
        Column("av_mines_destroyed", _nonneg_int, hxl="#indicator+destroyed+avm"),
        Column("submunitions_destroyed", _nonneg_int, hxl="#indicator+destroyed+submunitions"),
        Column("other_erw_destroyed", _nonneg_int, hxl="#indicator+destroyed+erw"),
        Column("improvised_destroyed", _nonneg_int, hxl="#indicator+destroyed+ied"),
    ),
    key=("hazard",),
    checks=(check_released_is_sum,),
)
_theme(
    "stockpiles",
    "Stockpiles",
    m.Stockpile,
    (
        Column("treaty", required=True, choices=("mbt", "ccm"), hxl="#meta+treaty"),
        Column("held", _nonneg_int, hxl="#indicator+stockpile+held"),
        Column("destroyed", _nonneg_int, hxl="#indicator+stockpile+destroyed"),
        Column("destruction_completed_on", _partial_date, hxl="#date+completed"),
        Column("retained", _nonneg_int, hxl="#indicator+stockpile+retained"),
    ),
    key=("treaty",),
    checks=(check_stockpile,),
)
_theme(
    "casualties",
    "Casualties (per country and year)",
    m.CasualtyAggregate,
    (
        Column("scope", choices=_choices(m.CasualtyAggregate, "scope"), hxl="#meta+scope"),
        Column("total", _nonneg_int, hxl="#affected+total"),
        Column("killed", _nonneg_int, hxl="#affected+killed"),
        Column("injured", _nonneg_int, hxl="#affected+injured"),
        Column("outcome_unknown", _nonneg_int, hxl="#affected+outcome+unknown"),
        Column("civilian", _nonneg_int, hxl="#affected+civilian"),
        Column("military", _nonneg_int, hxl="#affected+military"),
        Column("deminer", _nonneg_int, hxl="#affected+deminer"),
        Column("status_unknown", _nonneg_int, hxl="#affected+status+unknown"),
        Column("child", _nonneg_int, hxl="#affected+children"),
        Column("adult", _nonneg_int, hxl="#affected+adults"),
        Column("age_unknown", _nonneg_int, hxl="#affected+age+unknown"),
        Column("female", _nonneg_int, hxl="#affected+f"),
        Column("male", _nonneg_int, hxl="#affected+m"),
        Column("sex_unknown", _nonneg_int, hxl="#affected+sex+unknown"),
        Column("ap_mine", _nonneg_int, hxl="#affected+device+apm"),
        Column("improvised_mine", _nonneg_int, hxl="#affected+device+improvised"),
        Column("av_mine", _nonneg_int, hxl="#affected+device+avm"),
        Column("unspecified_mine", _nonneg_int, hxl="#affected+device+mine+unspecified"),
        Column("cmr", _nonneg_int, hxl="#affected+device+cmr"),
        Column("other_erw", _nonneg_int, hxl="#affected+device+erw"),
        Column("device_unknown", _nonneg_int, hxl="#affected+device+unknown"),
    ),
    key=("scope",),
    checks=(check_casualty_totals,),
)
_theme(
    "casualty_records",
    "Casualties (individual records)",
    m.CasualtyRecord,
    (
        Column("record_id", required=True, hxl="#meta+id"),
        Column("incident_date", _date, hxl="#date+incident"),
        Column("place", hxl="#loc+name"),
        Column(
            "outcome",
            required=True,
            choices=_choices(m.CasualtyRecord, "outcome"),
            hxl="#affected+outcome",
        ),
        Column(
            "age_group",
            required=True,
            choices=_choices(m.CasualtyRecord, "age_group"),
            hxl="#affected+age",
        ),
        Column(
            "sex", required=True, choices=_choices(m.CasualtyRecord, "sex"), hxl="#affected+sex"
        ),
        Column(
            "civilian_status",
            required=True,
            choices=_choices(m.CasualtyRecord, "civilian_status"),
            hxl="#affected+status",
        ),
        Column(
            "device",
            required=True,
            choices=_choices(m.CasualtyRecord, "device"),
            hxl="#affected+device",
        ),
    ),
    key=("record_id",),
)
_theme(
    "use",
    "Use (allegations and confirmed incidents)",
    m.UseIncident,
    (
        Column("date", _partial_date, hxl="#date+incident"),
        Column("place", hxl="#loc+name"),
        Column(
            "actor_type",
            required=True,
            choices=_choices(m.UseIncident, "actor_type"),
            hxl="#org+type",
        ),
        Column(
            "weapon",
            required=True,
            choices=_choices(m.UseIncident, "weapon"),
            hxl="#indicator+weapon",
        ),
        Column(
            "confirmation",
            required=True,
            choices=_choices(m.UseIncident, "confirmation"),
            hxl="#status+confirmation",
        ),
    ),
    key=("date", "place", "weapon", "actor_type"),
)
_theme(
    "production",
    "Production",
    m.ProductionStatus,
    (
        Column(
            "weapon",
            required=True,
            choices=_choices(m.ProductionStatus, "weapon"),
            hxl="#indicator+weapon",
        ),
        Column(
            "status",
            required=True,
            choices=_choices(m.ProductionStatus, "status"),
            hxl="#status+production",
        ),
    ),
    key=("weapon",),
)
_theme(
    "transfer",
    "Transfer",
    m.TransferStatus,
    (
        Column(
            "weapon",
            required=True,
            choices=_choices(m.TransferStatus, "weapon"),
            hxl="#indicator+weapon",
        ),
        Column(
            "status",
            required=True,
            choices=_choices(m.TransferStatus, "status"),
            hxl="#status+transfer",
        ),
    ),
    key=("weapon",),
)
_theme(
    "victim_assistance",
    "Victim assistance",
    m.VictimAssistance,
    (
        Column("focal_point", hxl="#org+focal"),
        Column(
            "national_plan",
            choices=_choices(m.VictimAssistance, "national_plan"),
            hxl="#status+plan",
        ),
        Column(
            "crpd_status", choices=_choices(m.VictimAssistance, "crpd_status"), hxl="#status+crpd"
        ),
        Column("services", hxl="#service"),
    ),
    key=(),
)
_theme(
    "support",
    "Support for mine action",
    m.SupportFigure,
    (
        Column("donor", hxl="#org+donor", help="empty for all donors"),
        Column("kind", required=True, choices=_choices(m.SupportFigure, "kind"), hxl="#meta+kind"),
        Column("thematic_area", hxl="#sector", help="empty for all thematic areas"),
        Column("amount_usd", _money, required=True, hxl="#value+usd"),
    ),
    key=("donor", "kind", "thematic_area"),
)

#: Sources are not bound to an edition: they are loaded first and referenced by key.
THEMES["sources"] = Theme(
    name="sources",
    label="Sources",
    model=m.Source,
    columns=(
        Column(
            "key",
            required=True,
            hxl="#meta+source+id",
            help="stable short name, e.g. lm2023-impact",
        ),
        Column("title", required=True, hxl="#meta+source+title"),
        Column("publisher", hxl="#org+publisher"),
        Column("url", hxl="#meta+url"),
        Column("publication_date", _partial_date, hxl="#date+published"),
        Column("accessed_date", _date, hxl="#date+accessed"),
        Column("page", hxl="#meta+page"),
        Column("quote", hxl="#meta+quote"),
    ),
    key=("key",),
    edition_bound=False,
)

THEME_NAMES = tuple(THEMES)


def theme_get(name: str) -> Theme:
    try:
        return THEMES[name]
    except KeyError:
        raise ValueError(f"unknown theme {name!r}; expected one of: {', '.join(THEMES)}") from None
