"""Response schemas. Theme record schemas are generated from the theme declarations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import AfterValidator, StringConstraints, create_model

from monitor.editorial.narrative import SECTIONS
from monitor.editorial.services import PROPOSABLE_THEMES
from monitor.editorial.workflow import State as ProposalState
from monitor.research.exports import EDITION_COLUMN, column_type, export_columns
from monitor.research.themes import Theme
from monitor.rules.obligations import Kind, ObligationStatus
from monitor.rules.treaties import Status

StatusValue = Literal[tuple(s.value for s in Status)]  # type: ignore[valid-type]
KindValue = Literal[tuple(k.value for k in Kind)]  # type: ignore[valid-type]
ProposableTheme = Literal[PROPOSABLE_THEMES]  # type: ignore[valid-type]
SectionKey = Literal[tuple(key for key, _ in SECTIONS)]  # type: ignore[valid-type]
ProposalStateValue = Literal[tuple(s.value for s in ProposalState)]  # type: ignore[valid-type]
ObligationStatusValue = Literal[tuple(s.value for s in ObligationStatus)]  # type: ignore[valid-type]


class ErrorOut(Schema):
    detail: str
    field: str | None = None


class PageOut(Schema):
    count: int
    next: str | None
    previous: str | None


class CountryOut(Schema):
    iso3: str
    iso2: str
    name: str
    kind: Literal["state", "other_area"]
    region: str
    subregion: str
    url: str


class CountryPage(PageOut):
    results: list[CountryOut]


class ObligationOut(Schema):
    treaty: str
    kind: KindValue
    due: str
    status: ObligationStatusValue
    basis: str
    original_due: str
    met_on: str | None


class CountryTreatyOut(Schema):
    treaty: str
    status: StatusValue
    signature_date: str | None
    deposit_date: str | None
    instrument: str | None
    entry_into_force: str | None
    entry_into_force_basis: str | None
    withdrawal_notified: str | None
    withdrawal_effective: str | None
    source: str
    obligations: list[ObligationOut]


class CountryDetailOut(Schema):
    iso3: str
    iso2: str
    name: str
    kind: Literal["state", "other_area"]
    region: str
    subregion: str
    as_of: str
    treaties: list[CountryTreatyOut]


class TreatyOut(Schema):
    code: str
    name: str
    short_name: str
    adopted_on: str | None
    general_eif: str | None
    status_source: str
    status_url: str
    status_as_at: str | None
    as_of: str
    parties_deposit: int
    parties_in_force: int
    signatories: int
    withdrawn: int
    parties_url: str


class PartyOut(Schema):
    iso3: str
    name: str
    status: StatusValue
    deposit_date: str | None
    entry_into_force: str | None


class PartiesOut(Schema):
    """Identical to `monitor treaty-status --format json`."""

    treaty: str
    as_of: str
    mode: Literal["deposit", "in-force"]
    count: int
    parties: list[PartyOut]


class ObligationRowOut(ObligationOut):
    iso3: str
    name: str
    region: str


class ObligationPage(PageOut):
    results: list[ObligationRowOut]


class SourceOut(Schema):
    id: int
    key: str
    title: str
    publisher: str
    url: str
    publication_date: str
    accessed_date: str | None
    page: str
    quote: str


class SourcePage(PageOut):
    results: list[SourceOut]


class SourceRef(Schema):
    id: int
    key: str
    title: str
    url: str


_TYPES = {"integer": int, "year": int, "number": float, "boolean": bool, "string": str, "date": str}


def record_schema(theme: Theme) -> type[Schema]:
    """The JSON record of one theme: its id, its export columns, typed, with `source` as an
    object."""
    fields: dict = {
        "id": (
            int,
            Field(
                ...,
                description="The record's id: give it as `target_id` to propose a correction.",
            ),
        )
    }
    for name in export_columns(theme):
        if name == "source":
            fields[name] = (SourceRef, ...)
        elif name in ("country", EDITION_COLUMN):
            fields[name] = (str, ...)
        elif name == "data_year":
            fields[name] = (int, ...)
        else:
            choices = theme.column(name).choices
            base = Literal[choices] if choices else _TYPES[column_type(theme, name)]
            fields[name] = (base | None, None)
    camel = "".join(part.title() for part in theme.name.split("_"))
    return create_model(f"{camel}Record", __base__=Schema, **fields)


def page_schema(theme: Theme, record: type[Schema]) -> type[Schema]:
    camel = "".join(part.title() for part in theme.name.split("_"))
    return create_model(f"{camel}Page", __base__=PageOut, results=(list[record], ...))


# --- strategy -----------------------------------------------------------------------------


class YearValue(Schema):
    year: int
    value: float


class IndicatorOut(Schema):
    code: str
    name: str
    unit: str
    values: list[YearValue]
    targets: list[YearValue]
    status: Literal[
        "target_achieved",
        "substantial_progress",
        "moderate_progress",
        "limited_progress",
        "deterioration",
        "not_enough_data",
    ]
    method: str = Field(..., description="What the values count, and the status calculation.")


class StrategyReportOut(Schema):
    strategy: str
    year: int
    indicators: list[IndicatorOut]


VerdictValue = Literal["on_track", "not_on_track", "unclear", "completed"]


class ForecastComparisonOut(Schema):
    label: str = Field(..., description='e.g. "Art. 5(1) deadline" or "2025 aspiration".')
    due: date
    verdict: VerdictValue
    margin_years: float | None = Field(
        ..., description="Years to spare (negative: years late); null unless projected."
    )


class ForecastSourceOut(Schema):
    key: str
    title: str
    url: str


class ForecastFigureOut(Schema):
    data_year: int
    km2: float | None
    basis: str = Field(
        ...,
        description="Contamination: the estimate quality. Release: `released`, or "
        "`cancelled + reduced + cleared` (summed); for a release not used, why.",
    )
    edition: str
    source: ForecastSourceOut


class ClearanceForecastOut(Schema):
    iso3: str
    name: str
    treaty: Literal["mbt", "ccm"]
    article: str
    verdict: VerdictValue = Field(..., description="Against the legal deadline in force.")
    obligation_status: Literal["pending", "overdue", "unknown"]
    obligation_basis: str
    remaining_km2: float
    remaining_as_of: date
    rate_km2_per_year: float | None
    rate_years: list[int]
    window: list[int] | None = Field(..., description="First and last year of the rate window.")
    years_needed: float | None
    projected_completion_year: int | None
    deadline: ForecastComparisonOut
    aspiration: ForecastComparisonOut | None = Field(
        ..., description="The 2025 aspiration (Mine Ban Treaty only)."
    )
    reasons: list[str] = Field(..., description='Why the verdict is "unclear", if it is.')
    explanation: str
    remaining_figures: list[ForecastFigureOut]
    releases: list[ForecastFigureOut]
    releases_not_used: list[ForecastFigureOut]


class ClearanceForecastsOut(Schema):
    as_of: date
    window_years: int
    count: int
    forecasts: list[ClearanceForecastOut]


# --- the write side: proposals ---------------------------------------------------------------


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


#: Text that any database can store (PostgreSQL refuses NUL characters).
Text = Annotated[str, AfterValidator(_no_nul)]
PayloadCell = Annotated[str, AfterValidator(_no_nul), StringConstraints(max_length=5000)]


class ProblemOut(Schema):
    field: str | None
    message: str


class ProblemsErrorOut(ErrorOut):
    """422: `field` names the first problem; `problems` lists all (empty for a bad type)."""

    problems: list[ProblemOut] = []


class NewSourceIn(Schema):
    title: Annotated[Text, StringConstraints(max_length=500)] = ""
    url: Annotated[Text, StringConstraints(max_length=500)] = ""
    publisher: Annotated[Text, StringConstraints(max_length=200)] = ""
    publication_date: Annotated[Text, StringConstraints(max_length=20)] = ""
    quote: Annotated[Text, StringConstraints(max_length=5000)] = ""

    model_config = {"extra": "forbid"}


class ProposalIn(Schema):
    country: Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{3}$")] = Field(
        description="ISO 3166-1 alpha-3 code of a country you are assigned to."
    )
    kind: Literal["record", "narrative"]
    theme: ProposableTheme | Literal[""] = Field(
        "", description="A figure's research theme (for `record`)."
    )
    target_id: Annotated[int, Field(ge=1, le=2**63 - 1)] | None = Field(
        None,
        description="The record a figure corrects (as in the read API); none for a new record.",
    )
    edition: Annotated[Text, StringConstraints(max_length=120)] | None = Field(
        None, description="Edition name; default: the target's edition if open, else the latest."
    )
    payload: (
        Annotated[
            dict[
                Annotated[Text, StringConstraints(max_length=60)], PayloadCell | int | float | None
            ],
            Field(max_length=100),
        ]
        | None
    ) = Field(
        None,
        description=(
            "A figure as the cells of an import row (column: value). With `target_id`, only "
            "the columns that change: the others carry over from the record corrected."
        ),
    )
    section: SectionKey | Literal[""] = Field(
        "", description="A profile section (for `narrative`)."
    )
    body: Annotated[Text, StringConstraints(max_length=100_000)] = Field(
        "", description="A narrative section in Markdown, citing sources as [@source-key]."
    )
    new_source: NewSourceIn | None = Field(
        None, description='A source not stored yet; cite it as source "new" or [@new].'
    )
    reason: Annotated[Text, StringConstraints(max_length=5000)] = Field(
        "", description="Why this change; required to submit."
    )
    submit: bool = Field(False, description="Submit for review at once (else a draft).")

    model_config = {"extra": "forbid"}


class ProposalOut(Schema):
    id: int
    state: ProposalStateValue
    country: str
    kind: Literal["record", "narrative"]
    theme: str
    target_id: int | None
    edition: str
    payload: dict[str, str]
    section: str
    body: str
    new_source: dict[str, str]
    reason: str
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    url: str = Field(description="Its page in the editorial back office.")
    api_url: str


class ProposalPage(PageOut):
    results: list[ProposalOut]
