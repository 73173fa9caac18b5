"""Treaty-aware clearance forecasts: each State's projected completion of clearance, compared
with its legal deadline and (Mine Ban Treaty only) the 2025 aspiration.

One selector, `clearance_forecasts`, feeds the forecast page, the API and the PDF. For every
State with an open clearance obligation (MBT Art. 5(1), CCM Art. 4(1): pending, overdue, or
due with nothing on record; `monitor.treaties.selectors.obligations_all`, so the deadline is
the one in force after extensions) and a cited contamination figure for that treaty, it calls
`monitor.rules.forecast.forecast_clearance` with:

- **remaining area**: the headline figure (`research.selectors.theme_figures`: the preferred
  record, else the latest edition's) of the latest data year that has one, for antipersonnel
  mines (MBT) or cluster munition remnants (CCM). Where the year has a figure "not specified
  by the source", that total is used; otherwise the confirmed and suspected hazardous areas
  recorded for the year are added up. The area is taken as of 31 December of the data year
  (the Monitor's convention, DOMAIN.md 5.1). Improvised mines are not added to the MBT area:
  the sources do not say whether their antipersonnel figures already include them.
- **yearly release**: the headline land release figure of each year for mined areas (MBT)
  or cluster munition remnants (CCM): `released_km2`, or, where it is absent, cancelled +
  reduced + cleared when all three are recorded (DOMAIN.md 5.5: released = the sum of the
  three). A year with only some of the three (e.g. clearance alone) has no release figure:
  it is listed in `releases_not_used` with the reason, never counted as a partial release.
- **deadline**: the obligation's due date; **aspiration**: 31 December 2025 for the MBT,
  none for the CCM.

States with an obligation but no contamination figure are not forecast. Nothing is
estimated or filled in: with the sparse figures on record most verdicts are "unclear", with
the reasons.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from monitor.research.models import Contamination, LandRelease
from monitor.research.selectors import Figure, theme_figures
from monitor.rules.forecast import ASPIRATION_2025, ClearanceForecast, forecast_clearance
from monitor.rules.obligations import Kind, Obligation
from monitor.rules.treaties import TREATIES
from monitor.treaties.selectors import obligations_all

#: Treaties with a clearance obligation, and what their figures cover.
DEVICE_CLASS = {
    "mbt": Contamination.DeviceClass.ANTIPERSONNEL_MINES,
    "ccm": Contamination.DeviceClass.CLUSTER_MUNITION_REMNANTS,
}
HAZARD = {"mbt": LandRelease.Hazard.MINES, "ccm": LandRelease.Hazard.CMR}
ASPIRATION = {"mbt": ASPIRATION_2025, "ccm": None}
FORECAST_TREATIES = tuple(DEVICE_CLASS)

RELEASED = "released"
SUM_OF_PARTS = "cancelled + reduced + cleared"
_PARTS = ("cancelled_km2", "reduced_km2", "cleared_km2")


@dataclass(frozen=True)
class CitedFigure:
    """A figure a forecast used, or set aside, with where it comes from."""

    data_year: int
    km2: Decimal | None
    label: str  # the estimate quality (contamination) or how the release was read
    figure: Figure

    @property
    def source(self):
        return self.figure.headline.source

    @property
    def edition(self):
        return self.figure.headline.edition

    def to_dict(self) -> dict:
        source = self.source
        return {
            "data_year": self.data_year,
            "km2": float(self.km2) if self.km2 is not None else None,
            "basis": self.label,
            "edition": self.edition.name,
            "source": {"key": source.key, "title": source.title, "url": source.url},
        }


@dataclass(frozen=True)
class ForecastRow:
    """One State's forecast under one treaty, with the figures that led to it."""

    iso3: str
    name: str
    treaty: str
    obligation: Obligation
    forecast: ClearanceForecast
    remaining: tuple[CitedFigure, ...]
    releases: tuple[CitedFigure, ...]
    releases_not_used: tuple[CitedFigure, ...]

    @property
    def treaty_name(self) -> str:
        return TREATIES[self.treaty].short_name

    @property
    def rate_releases(self) -> tuple[CitedFigure, ...]:
        """The release figures of the years the rate was computed from."""
        used = set(self.forecast.rate_years)
        return tuple(r for r in self.releases if r.data_year in used)

    def to_dict(self) -> dict:
        """The JSON contract of GET /api/v1/strategy/forecasts/."""
        f = self.forecast

        def comparison(cmp):
            if cmp is None:
                return None
            return {
                "label": cmp.label,
                "due": cmp.due.isoformat(),
                "verdict": cmp.verdict.value,
                "margin_years": _num(cmp.margin_years),
            }

        return {
            "iso3": self.iso3,
            "name": self.name,
            "treaty": self.treaty,
            "article": f.article,
            "verdict": f.verdict.value,
            "obligation_status": self.obligation.status.value,
            "obligation_basis": self.obligation.basis,
            "remaining_km2": float(f.remaining_km2),
            "remaining_as_of": f.remaining_as_of.isoformat(),
            "rate_km2_per_year": _num(f.rate_km2_per_year),
            "rate_years": list(f.rate_years),
            "window": list(f.window) if f.window else None,
            "years_needed": _num(f.years_needed),
            "projected_completion_year": f.projected_completion_year,
            "deadline": comparison(f.deadline),
            "aspiration": comparison(f.aspiration),
            "reasons": list(f.reasons),
            "explanation": f.explanation,
            "remaining_figures": [c.to_dict() for c in self.remaining],
            "releases": [c.to_dict() for c in self.releases],
            "releases_not_used": [c.to_dict() for c in self.releases_not_used],
        }


def _num(value: Decimal | None) -> float | None:
    return None if value is None else round(float(value), 4)


class UnknownForecastTreaty(ValueError):
    """A treaty code with no clearance obligation to forecast."""


def clearance_forecasts(
    *, treaty: str | None = None, window_years: int = 3, as_of: date | None = None
) -> list[ForecastRow]:
    """Clearance forecasts of every State with an open clearance obligation and a cited
    contamination figure, MBT first then CCM, each by country name (see the module docstring).

    `treaty`: "mbt", "ccm" or None for both (UnknownForecastTreaty otherwise).
    `window_years`: the N years of release the rate averages (at least 2 years of figures
    are needed, or 1 with a one-year window). `as_of`: the day the obligations are read on
    (default today). Four queries: obligations (five), contamination and land release.
    """
    if treaty is not None and treaty not in FORECAST_TREATIES:
        raise UnknownForecastTreaty(
            f"treaty: expected 'mbt' or 'ccm' (the treaties with a clearance obligation), "
            f"not {treaty!r}"
        )
    if isinstance(window_years, bool) or not isinstance(window_years, int) or window_years < 1:
        raise ValueError(f"window_years: expected an int >= 1, not {window_years!r}")
    day = as_of or date.today()
    obligations = obligations_all(as_of=day, treaty=treaty, kind=Kind.CLEARANCE.value)
    contamination = _by_country(theme_figures("contamination"))
    releases = _by_country(theme_figures("land_release"))
    rows = []
    for ob_row in obligations:
        code = ob_row.treaty.code
        if code not in FORECAST_TREATIES:
            continue
        remaining = _remaining(code, contamination.get(ob_row.iso3, []))
        if not remaining:
            continue
        used, not_used = _releases(code, releases.get(ob_row.iso3, []))
        forecast = forecast_clearance(
            code,
            sum((c.km2 for c in remaining), Decimal(0)),
            remaining[0].data_year,
            [(c.data_year, c.km2) for c in used],
            ob_row.obligation.due,
            aspiration=ASPIRATION[code],
            window_years=window_years,
            min_years=min(2, window_years),
        )
        rows.append(
            ForecastRow(
                iso3=ob_row.iso3,
                name=ob_row.name,
                treaty=code,
                obligation=ob_row.obligation,
                forecast=forecast,
                remaining=remaining,
                releases=used,
                releases_not_used=not_used,
            )
        )
    rows.sort(key=lambda r: (FORECAST_TREATIES.index(r.treaty), r.name))
    return rows


def _by_country(figures: list[Figure]) -> dict[str, list[Figure]]:
    out: dict[str, list[Figure]] = {}
    for fig in figures:
        if fig.country_id is not None:
            out.setdefault(fig.country_id, []).append(fig)
    return out


def _remaining(treaty: str, figures: list[Figure]) -> tuple[CitedFigure, ...]:
    """The contamination figure(s) of the latest data year for the treaty's device class."""
    wanted = [f for f in figures if dict(f.key).get("device_class") == DEVICE_CLASS[treaty]]
    if not wanted:
        return ()
    latest = max(f.data_year for f in wanted)
    of_year = [f for f in wanted if f.data_year == latest]
    unspecified = [
        f
        for f in of_year
        if dict(f.key).get("estimate_quality") == Contamination.Quality.UNSPECIFIED
    ]
    chosen = unspecified or sorted(of_year, key=lambda f: dict(f.key).get("estimate_quality"))
    quality = {
        Contamination.Quality.CONFIRMED: "confirmed hazardous area",
        Contamination.Quality.SUSPECTED: "suspected hazardous area",
        Contamination.Quality.UNSPECIFIED: "estimate quality not specified by the source",
    }
    return tuple(
        CitedFigure(
            data_year=f.data_year,
            km2=Decimal(f.headline.as_dict()["area_km2"]),
            label=str(quality.get(dict(f.key).get("estimate_quality"), "")),
            figure=f,
        )
        for f in chosen
    )


def _releases(
    treaty: str, figures: list[Figure]
) -> tuple[tuple[CitedFigure, ...], tuple[CitedFigure, ...]]:
    """Yearly release figures for the treaty's hazard, oldest first; and those set aside."""
    used: list[CitedFigure] = []
    not_used: list[CitedFigure] = []
    for fig in sorted(figures, key=lambda f: f.data_year):
        if dict(fig.key).get("hazard") != HAZARD[treaty]:
            continue
        values = fig.headline.as_dict()
        if values.get("released_km2") is not None:
            used.append(CitedFigure(fig.data_year, Decimal(values["released_km2"]), RELEASED, fig))
            continue
        parts = [values.get(name) for name in _PARTS]
        if all(p is not None for p in parts):
            total = sum((Decimal(p) for p in parts), Decimal(0))
            used.append(CitedFigure(fig.data_year, total, SUM_OF_PARTS, fig))
            continue
        recorded = [
            f"{name.removesuffix('_km2')} {_km2_text(p)} km²"
            for name, p in zip(_PARTS, parts, strict=True)
            if p is not None
        ]
        missing = [
            name.removesuffix("_km2") for name, p in zip(_PARTS, parts, strict=True) if p is None
        ]
        if recorded:
            reason = (
                f"only {', '.join(recorded)} recorded ({' and '.join(missing)} not): "
                "the area released is unknown"
            )
        else:
            reason = "no released, cancelled, reduced or cleared area recorded"
        not_used.append(CitedFigure(fig.data_year, None, reason, fig))
    return tuple(used), tuple(not_used)


def _km2_text(value) -> str:
    return format(Decimal(value).normalize(), "f")
