"""Response schemas. Theme record schemas are generated from the theme declarations."""

from __future__ import annotations

from typing import Literal

from ninja import Schema
from pydantic import create_model

from monitor.research.exports import EDITION_COLUMN, column_type, export_columns
from monitor.research.themes import Theme
from monitor.rules.obligations import Kind, ObligationStatus
from monitor.rules.treaties import Status

StatusValue = Literal[tuple(s.value for s in Status)]  # type: ignore[valid-type]
KindValue = Literal[tuple(k.value for k in Kind)]  # type: ignore[valid-type]
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
    """The JSON record of one theme: its export columns, typed, with `source` as an object."""
    fields: dict = {}
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
