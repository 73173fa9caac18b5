"""Routes of the API, /api/v1/. Every read goes through the same selectors as the CLI and
the web pages (monitor.treaties.selectors, monitor.research.exports), so they cannot disagree.
The write side (researchers' proposals, token auth) is in monitor.api.proposals.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from django.http import JsonResponse
from django.urls import reverse
from ninja import NinjaAPI, Query
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import BeforeValidator, Field

from monitor.api import schemas as s
from monitor.api.auth import unauthorized
from monitor.api.errors import ApiError, error_response
from monitor.api.pagination import DEFAULT_PAGE_SIZE, Page, PageSize, paginate
from monitor.api.proposals import router as proposals_router
from monitor.countries.models import Country
from monitor.editorial.services import EditorialError, NotAllowed
from monitor.editorial.workflow import TransitionError
from monitor.research.exports import (
    GLOBAL_CODE,
    ExportError,
    RowPage,
    export_columns,
    theme_rows_paged,
    typed_value,
)
from monitor.research.models import Edition, Source
from monitor.research.themes import THEMES, Theme
from monitor.rules.obligations import Kind
from monitor.rules.treaties import TREATIES, CountMode
from monitor.treaties import selectors
from monitor.treaties.models import Treaty

api = NinjaAPI(
    title="Landmine and Cluster Munition Monitor API",
    version="1",
    description=(
        "Open data of the Landmine and Cluster Munition Monitor: treaty status, obligations "
        "and cited research records, read without authentication; and proposals of changes "
        "by researchers (bearer token from their profile page). See docs/api.md for the v1 "
        "stability promise."
    ),
    urls_namespace="api-v1",
    docs_url="/docs",
)

ERRORS = {400: s.ErrorOut, 404: s.ErrorOut, 422: s.ErrorOut, 429: s.ErrorOut}
LIST_ERRORS = {400: s.ErrorOut, 404: s.ErrorOut, 422: s.ErrorOut, 429: s.ErrorOut}

_ISO3 = re.compile(r"^[A-Za-z]{3}$")

TreatyCode = Literal[tuple(TREATIES)]  # type: ignore[valid-type]
ModeValue = Literal[tuple(m.value for m in CountMode)]  # type: ignore[valid-type]
OpenStatus = Literal[tuple(st.value for st in selectors.OPEN_STATUSES)]  # type: ignore[valid-type]
KindValue = Literal[tuple(k.value for k in Kind)]  # type: ignore[valid-type]


def _strict_iso(value):
    """Only YYYY-MM-DD (pydantic alone would also take a Unix timestamp such as "0")."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("expected a date YYYY-MM-DD")
    return value


IsoDate = Annotated[date, BeforeValidator(_strict_iso)]
AsOf = Annotated[IsoDate | None, Query(None, description="Date YYYY-MM-DD (default: today).")]
# --- errors --------------------------------------------------------------------------------


@api.exception_handler(ApiError)
def _api_error(request, exc: ApiError):
    return error_response(exc.status, exc.detail, exc.field)


@api.exception_handler(NinjaValidationError)
def _validation_error(request, exc: NinjaValidationError):
    first = exc.errors[0] if exc.errors else {}
    loc = [str(part) for part in first.get("loc", ()) if not isinstance(part, int)]
    if loc and loc[0] == "body":
        # A JSON body: ("body", <parameter>, "payload", "total", <type tags of a union>)
        # -> "payload.total", as the editorial services name fields.
        field = ".".join(p for p in loc[2:] if not _TYPE_TAG.search(p)) or None
    else:
        field = loc[-1] if loc else None
    if field in ("query", "path", "body") and len(loc) == 1:
        field = None
    message = first.get("msg", "invalid request")
    return error_response(422, f"{field}: {message}" if field else message, field)


_TYPE_TAG = re.compile(r"[\[\]()-]")


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return error_response(exc.status_code, str(exc))


@api.exception_handler(AuthenticationError)
def _unauthorized(request, exc: AuthenticationError):
    return unauthorized(request)


@api.exception_handler(NotAllowed)
def _not_allowed(request, exc: NotAllowed):
    return error_response(403, str(exc) or "not allowed")


def _problems_response(detail: str, field: str | None, problems) -> JsonResponse:
    """422 in the usual error shape plus every problem found (s.ProblemsErrorOut)."""
    body = {
        "detail": detail,
        "field": field,
        "problems": [{"field": f, "message": m} for f, m in problems],
    }
    return JsonResponse(body, status=422)


@api.exception_handler(EditorialError)
def _editorial_error(request, exc: EditorialError):
    return _problems_response(str(exc), exc.field, exc.problems)


@api.exception_handler(TransitionError)
def _transition_error(request, exc: TransitionError):
    return _problems_response(str(exc), "state", [("state", str(exc))])


# --- parameters ----------------------------------------------------------------------------


def _as_of(value: date | None) -> date:
    return date.today() if value is None else value


def _country(value: str, field: str = "iso3") -> Country:
    code = value.strip().upper()
    country = Country.objects.filter(iso3=code).first() if _ISO3.match(code) else None
    if country is None:
        raise ApiError(404, f"unknown country {value!r}", field)
    return country


def _abs(request, name: str, **kwargs) -> str:
    return request.build_absolute_uri(reverse(f"api-v1:{name}", kwargs=kwargs))


# --- countries -----------------------------------------------------------------------------


@api.get(
    "/countries/",
    response={200: s.CountryPage, **LIST_ERRORS},
    operation_id="countries_list",
    summary="Countries and other areas",
    tags=["countries"],
)
def countries_list(request, page: Page = 1, page_size: PageSize = DEFAULT_PAGE_SIZE):
    rows = Country.objects.order_by("name", "iso3").values(
        "iso3", "iso2", "name", "kind", "region", "subregion"
    )
    result = paginate(request, rows, page, page_size)
    result["results"] = [
        {**row, "url": _abs(request, "country_detail", iso3=row["iso3"])}
        for row in result["results"]
    ]
    return result


@api.get(
    "/countries/{iso3}/",
    response={200: s.CountryDetailOut, **ERRORS},
    operation_id="country_detail",
    url_name="country_detail",
    summary="A country's status in every treaty, with its obligations",
    tags=["countries"],
)
def country_detail(request, iso3: str, as_of: AsOf = None):
    country = _country(iso3)
    return selectors.country_summary(iso3=country.iso3, as_of=_as_of(as_of)).to_dict()


# --- treaties ------------------------------------------------------------------------------


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


@api.get(
    "/treaties/",
    response={200: list[s.TreatyOut], **ERRORS},
    operation_id="treaties_list",
    summary="The treaties, with counts of States Parties on a date",
    tags=["treaties"],
)
def treaties_list(request, as_of: AsOf = None):
    day = _as_of(as_of)
    result = []
    for row in selectors.treaty_overview(as_of=day):
        t: Treaty = row["treaty"]
        result.append(
            {
                "code": t.code,
                "name": t.name,
                "short_name": t.short_name,
                "adopted_on": _iso(t.adopted_on),
                "general_eif": _iso(t.general_eif),
                "status_source": t.status_source,
                "status_url": t.status_url,
                "status_as_at": _iso(t.status_as_at),
                "as_of": day.isoformat(),
                "parties_deposit": row["deposit"],
                "parties_in_force": row["in_force"],
                "signatories": row["signatories"],
                "withdrawn": row["withdrawn"],
                "parties_url": _abs(request, "treaty_parties", code=t.code),
            }
        )
    return result


@api.get(
    "/treaties/{code}/parties",
    response={200: s.PartiesOut, **ERRORS},
    operation_id="treaty_parties",
    url_name="treaty_parties",
    summary="States Parties on a date (identical to `monitor treaty-status --format json`)",
    tags=["treaties"],
)
def treaty_parties(request, code: TreatyCode, as_of: AsOf = None, mode: ModeValue = "deposit"):
    if not Treaty.objects.filter(code=code).exists():
        raise ApiError(404, f"treaty {code!r} is not loaded", "code")
    return selectors.parties_as_of(treaty=code, as_of=_as_of(as_of), mode=CountMode(mode)).to_dict()


# --- obligations ---------------------------------------------------------------------------


@api.get(
    "/obligations/",
    response={200: s.ObligationPage, **LIST_ERRORS},
    operation_id="obligations_list",
    summary="Open obligations (overdue, pending, unknown) of every country",
    tags=["obligations"],
)
def obligations_list(
    request,
    treaty: Literal["mbt", "ccm"] | None = None,
    kind: KindValue | None = None,
    status: OpenStatus | None = None,
    country: Annotated[str | None, Query(None, description="ISO 3166-1 alpha-3 code.")] = None,
    region: Annotated[str | None, Query(None, description="UN M49 region name.")] = None,
    due_before: Annotated[
        IsoDate | None,
        Query(None, description="Only obligations due before this date (YYYY-MM-DD)."),
    ] = None,
    as_of: AsOf = None,
    page: Page = 1,
    page_size: PageSize = DEFAULT_PAGE_SIZE,
):
    day = _as_of(as_of)
    before = due_before
    iso3 = _country(country, "country").iso3 if country else None
    rows = selectors.obligations_all(as_of=day, treaty=treaty, kind=kind, region=region or None)
    items = []
    for row in rows:
        o = row.obligation
        if iso3 and row.iso3 != iso3:
            continue
        if status and o.status.value != status:
            continue
        if before and not o.due < before:
            continue
        items.append(
            {
                "iso3": row.iso3,
                "name": row.name,
                "region": row.region,
                **selectors.obligation_to_dict(o),
            }
        )
    return paginate(request, items, page, page_size)


# --- sources -------------------------------------------------------------------------------

_SOURCE_FIELDS = (
    "id",
    "key",
    "title",
    "publisher",
    "url",
    "publication_date",
    "accessed_date",
    "page",
    "quote",
)


def _source_dict(row: dict) -> dict:
    return {**row, "accessed_date": _iso(row["accessed_date"])}


@api.get(
    "/sources/",
    response={200: s.SourcePage, **LIST_ERRORS},
    operation_id="sources_list",
    summary="Sources cited by the research records",
    tags=["research"],
)
def sources_list(request, page: Page = 1, page_size: PageSize = DEFAULT_PAGE_SIZE):
    qs = Source.objects.order_by("key", "id").values(*_SOURCE_FIELDS)
    result = paginate(request, qs, page, page_size)
    result["results"] = [_source_dict(row) for row in result["results"]]
    return result


@api.get(
    "/sources/{source_id}/",
    response={200: s.SourceOut, **ERRORS},
    operation_id="source_detail",
    url_name="source_detail",
    summary="One source",
    tags=["research"],
)
def source_detail(request, source_id: Annotated[int, Field(ge=1, le=2**63 - 1)]):
    row = Source.objects.filter(id=source_id).values(*_SOURCE_FIELDS).first()
    if row is None:
        raise ApiError(404, f"unknown source {source_id}", "source_id")
    return _source_dict(row)


# --- strategy ---------------------------------------------------------------------------------


@api.get(
    "/strategy/indicators/",
    response={200: s.StrategyReportOut, **ERRORS},
    operation_id="strategy_indicators",
    summary="The network strategy's indicators with values, targets and progress status",
    description=(
        "The same report as `monitor strategy report --format json`: for each indicator its "
        "values by year up to `year`, its targets and its status (Open SDG method), with the "
        "calculation in `method`. `year` defaults to this year, or the strategy's last year."
    ),
    tags=["strategy"],
)
def strategy_indicators(
    request,
    year: Annotated[int | None, Query(None, ge=1990, le=2100, description="Report year.")] = None,
    strategy: Annotated[
        str | None, Query(None, max_length=80, description="Strategy code (default: current).")
    ] = None,
):
    from monitor.strategy.selectors import UnknownStrategy, progress_report, strategy_for

    try:
        chosen = strategy_for(code=strategy, year=year or date.today().year)
    except UnknownStrategy as exc:
        raise ApiError(404, str(exc), "strategy" if strategy else None) from None
    if year is None:
        year = min(date.today().year, chosen.period_end)
    return progress_report(chosen, year)


@api.get(
    "/strategy/forecasts/",
    response={200: s.ClearanceForecastsOut, **ERRORS},
    operation_id="strategy_forecasts",
    summary="Clearance forecasts against the treaty deadlines and the 2025 aspiration",
    description=(
        "For every State with an open clearance obligation (MBT Art. 5, CCM Art. 4) and a cited "
        "contamination figure: the remaining area, the average yearly release over the last "
        "`window_years` years with data, the projected completion year and the verdict against "
        "the deadline in force and (MBT) the 2025 aspiration, with the reasons and the figures "
        "used. The same selector as the /strategy/forecasts/ page."
    ),
    tags=["strategy"],
)
def strategy_forecasts(
    request,
    treaty: Literal["mbt", "ccm"] | None = None,
    window_years: Annotated[
        int, Query(3, ge=1, le=20, description="Years of release the rate averages.")
    ] = 3,
    as_of: AsOf = None,
):
    from monitor.strategy.forecasts import clearance_forecasts

    day = _as_of(as_of)
    rows = clearance_forecasts(treaty=treaty, window_years=window_years, as_of=day)
    return {
        "as_of": day,
        "window_years": window_years,
        "count": len(rows),
        "forecasts": [row.to_dict() for row in rows],
    }


# --- research themes -----------------------------------------------------------------------


def _theme_records(
    request, theme: Theme, country: str | None, year: int | None, edition: str | None
) -> RowPage:
    if country is not None and country.strip().upper() != GLOBAL_CODE:
        country = _country(country, "country").iso3
    if edition is not None and not Edition.objects.filter(name=" ".join(edition.split())).exists():
        raise ApiError(404, f"unknown edition {edition!r}", "edition")
    try:
        return theme_rows_paged(theme.name, country=country, edition=edition, year=year)
    except ExportError as exc:  # raced with a deletion: still a client-side 404
        raise ApiError(404, str(exc)) from None


def _typed(theme: Theme, rows: list[dict], sources: dict) -> list[dict]:
    records = []
    for row in rows:
        record = {"id": row["id"]}
        for name in export_columns(theme):
            text = row[name]
            if name == "source":
                record[name] = sources.get(text, {"id": 0, "key": text, "title": "", "url": ""})
            elif name in ("country", "edition"):
                record[name] = text
            else:
                record[name] = typed_value(theme, name, text)
        records.append(record)
    return records


def _register_theme(theme: Theme) -> None:
    record = s.record_schema(theme)
    page_out = s.page_schema(theme, record)

    def view(
        request,
        country: Annotated[
            str | None,
            Query(
                None, description=f"ISO 3166-1 alpha-3 code, or {GLOBAL_CODE} for global figures."
            ),
        ] = None,
        year: Annotated[int | None, Query(None, ge=1900, le=2100, description="Data year.")] = None,
        edition: Annotated[str | None, Query(None, description="Edition name.")] = None,
        page: Page = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
    ):
        rows = _theme_records(request, theme, country, year, edition)
        result = paginate(request, rows, page, page_size)
        keys = {row["source"] for row in result["results"]}
        sources = {
            row["key"]: row
            for row in Source.objects.filter(key__in=keys).values("id", "key", "title", "url")
        }
        result["results"] = _typed(theme, result["results"], sources)
        return result

    view.__name__ = f"theme_{theme.name}"
    api.get(
        f"/{theme.name}/",
        response={200: page_out, **LIST_ERRORS},
        operation_id=f"theme_{theme.name}",
        summary=theme.label,
        description=(
            f"Cited records of the theme {theme.name!r}: every record names its edition and "
            "its source. Ordered by country (global first), data year, edition and natural key."
        ),
        tags=["research"],
    )(view)


for _theme in THEMES.values():
    if _theme.name != "sources":
        _register_theme(_theme)


api.add_router("", proposals_router)
