"""Clearance forecast against the treaty deadline and the 2025 aspiration. Pure; no Django.

A State with a clearance obligation (Mine Ban Treaty Art. 5(1), CCM Art. 4(1); see
`monitor.rules.obligations.DEADLINES`) reports the area still contaminated and the land it
released each year (DOMAIN.md 5.5: released = cancelled + reduced + cleared). The forecast
assumes the State keeps releasing land at its recent average rate:

- **rate**: the mean of the yearly release figures recorded in the `window_years` (N, default
  3) calendar years ending with the latest year that has a release figure. A year without a
  figure is missing, not zero, and is left out of the mean; `rate_years` lists the years used.
- **years needed** = remaining ÷ rate.
- **projected completion**: the projection starts at the date of the contamination figure
  (a year given as an int means 31 December of that year, the Monitor's "as of end of year")
  and assumes release proceeds evenly through the year. Dates are placed on a continuous year
  scale, the end of day d being ``d.year + day_of_year(d) / days_in_year(d.year)``, so
  31 December 2023 is 2024.0. The projected completion year is the calendar year in which the
  projection reaches zero (12 km² at end-2023, 4 km²/yr: 3 years, 2027.0, i.e. the end of 2026).
- **verdict** against a date: on_track when the projected completion falls on or before the end
  of that date, else not_on_track (so a deadline already past with contamination remaining is
  not_on_track). **margin_years** = date − projected completion on the same scale: positive is
  time to spare, negative is years late.

The legal deadline is the one in force after extensions (`obligations.apply_extensions`), given
by the caller. The aspiration is the Mine Ban Treaty States Parties' political goal to complete
their obligations "to the fullest extent possible by 2025" (Maputo +15 Declaration, 2014; Oslo
Action Plan, 2019), read as completion by 2025-12-31 (DOMAIN.md 3.4: a political aspiration, not
a legal deadline, reported as a separate flag). It is a parameter; pass None to leave it out
(for instance for the CCM, whose action plans set no such date in DOMAIN.md 3.4).

Rules, applied in this order:

1. **completed**: remaining is 0 → completed, for the deadline and the aspiration alike,
   whatever the release data (this module does not know when clearance was completed; whether
   that was on time is `obligations`' business).
2. **unclear**, every applicable reason listed in `reasons`:
   a. no release figure in the window (no release data at all);
   b. fewer than `min_years` (default 2) release figures in the window;
   c. the contamination figure is older than the latest release figure by more than
      `max_gap_years` (K, default 1) years, or the latest release figure is older than the
      contamination figure by more than K years: the two do not describe the same period;
   d. a rate of zero with contamination remaining: no completion can be projected.
   An unclear forecast still reports the rate and the years it came from where there are any,
   but no years needed, projected year or margins.
3. otherwise **on_track** / **not_on_track** as above; the overall `verdict` is the one
   against the legal deadline.

Releases recorded after the contamination figure (allowed up to K years) count in the rate but
are not subtracted from the remaining area: remaining figures also change through survey and
new finds, so a later release is not assumed to reduce an older figure. The projection is then
cautious by up to K years of release.

Numbers are Decimal (the database stores km² as Decimal(12, 2)); int is accepted, float is
refused to keep binary rounding out of the arithmetic (pass ``Decimal(str(x))``). Arithmetic
runs at 28 significant digits; margins and years are not rounded (the explanation rounds them
to 2 decimal places).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import (
    ROUND_CEILING,
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    InvalidOperation,
    localcontext,
)

from monitor.rules.obligations import Kind, deadline_for
from monitor.rules.treaties import CCM, MBT

ASPIRATION_2025 = date(2025, 12, 31)

_TREATIES = {MBT.code: MBT, CCM.code: CCM}
_CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN)


class Verdict(enum.StrEnum):
    ON_TRACK = "on_track"
    NOT_ON_TRACK = "not_on_track"
    UNCLEAR = "unclear"
    COMPLETED = "completed"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


@dataclass(frozen=True)
class Comparison:
    """The forecast against one date: the legal deadline or the aspiration.

    `margin_years`: `due` minus the projected completion, in years (positive: time to spare;
    negative: late); None unless the verdict is on_track or not_on_track.
    """

    label: str
    due: date
    verdict: Verdict
    margin_years: Decimal | None = None


@dataclass(frozen=True)
class ClearanceForecast:
    """A verdict with the numbers that led to it (see the module docstring)."""

    treaty: str
    article: str
    verdict: Verdict
    remaining_km2: Decimal
    remaining_as_of: date
    rate_km2_per_year: Decimal | None
    rate_years: tuple[int, ...]
    window: tuple[int, int] | None  # first and last calendar year of the rate window
    years_needed: Decimal | None
    projected_completion_year: int | None
    deadline: Comparison
    aspiration: Comparison | None
    reasons: tuple[str, ...]
    explanation: str


def year_point(d: date) -> Decimal:
    """The end of day `d` on a continuous year scale.

    2023-12-31 -> 2024; 2024-03-01 -> 2024 + 61/366.
    """
    days_in_year = (date(d.year + 1, 1, 1) - date(d.year, 1, 1)).days
    with localcontext(_CONTEXT):
        return Decimal(d.year) + Decimal(d.timetuple().tm_yday) / Decimal(days_in_year)


def forecast_clearance(
    treaty: str,
    remaining_km2: Decimal | int,
    remaining_as_of: date | int,
    releases: Sequence[tuple[int, Decimal | int]],
    deadline: date,
    *,
    aspiration: date | None = ASPIRATION_2025,
    window_years: int = 3,
    min_years: int = 2,
    max_gap_years: int = 1,
) -> ClearanceForecast:
    """Project when a State will finish clearance and compare with its deadline and 2025.

    `treaty`: "mbt" or "ccm". `remaining_km2`: area still contaminated as of `remaining_as_of`
    (a date, or a year meaning 31 December). `releases`: (year, km² released that year) in any
    order, one per year. `deadline`: the clearance deadline in force. See the module docstring
    for every rule.
    """
    try:
        rule = deadline_for(treaty, Kind.CLEARANCE)
    except ValueError:
        raise ValueError(f"treaty: expected 'mbt' or 'ccm', not {treaty!r}") from None
    remaining = _km2("remaining_km2", remaining_km2)
    as_of = _as_of(remaining_as_of)
    if not isinstance(deadline, date):
        raise ValueError(f"deadline: expected a date, not {deadline!r}")
    if aspiration is not None and not isinstance(aspiration, date):
        raise ValueError(f"aspiration: expected a date or None, not {aspiration!r}")
    for name, value, low in (
        ("window_years", window_years, 1),
        ("min_years", min_years, 1),
        ("max_gap_years", max_gap_years, 0),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ValueError(f"{name}: expected an int >= {low}, not {value!r}")
    if min_years > window_years:
        raise ValueError(
            f"min_years: {min_years} years of data cannot fit in a {window_years}-year window"
        )
    series = _releases(releases)

    deadline_label = f"{rule.article} deadline"
    aspiration_label = f"{aspiration.year} aspiration" if aspiration is not None else ""

    window: tuple[int, int] | None = None
    used: list[tuple[int, Decimal]] = []
    if series:
        last = series[-1][0]
        window = (last - window_years + 1, last)
        used = [(y, v) for y, v in series if y >= window[0]]
    with localcontext(_CONTEXT):
        total = sum((v for _, v in used), Decimal(0))
        rate = total / len(used) if used else None

    def build(
        verdict: Verdict,
        deadline_cmp: Comparison,
        aspiration_cmp: Comparison | None,
        *,
        years_needed: Decimal | None = None,
        projected_year: int | None = None,
        reasons: tuple[str, ...] = (),
    ) -> ClearanceForecast:
        forecast = ClearanceForecast(
            treaty=treaty,
            article=rule.article,
            verdict=verdict,
            remaining_km2=remaining,
            remaining_as_of=as_of,
            rate_km2_per_year=rate,
            rate_years=tuple(y for y, _ in used),
            window=window,
            years_needed=years_needed,
            projected_completion_year=projected_year,
            deadline=deadline_cmp,
            aspiration=aspiration_cmp,
            reasons=reasons,
            explanation="",
        )
        return replace(forecast, explanation=_explain(forecast))

    def flat(verdict: Verdict) -> tuple[Comparison, Comparison | None]:
        asp = None
        if aspiration is not None:
            asp = Comparison(aspiration_label, aspiration, verdict)
        return Comparison(deadline_label, deadline, verdict), asp

    # Rule 1: nothing left to clear.
    if remaining == 0:
        return build(Verdict.COMPLETED, *flat(Verdict.COMPLETED))

    # Rule 2: not enough to go on.
    reasons: list[str] = []
    if not used:
        reasons.append("no land release recorded")
    elif len(used) < min_years:
        assert window is not None
        reasons.append(
            f"only {_n_years(len(used))} of release data in {_span(window)} "
            f"(at least {min_years} needed)"
        )
    if series:
        last_release = series[-1][0]
        gap = last_release - as_of.year
        if gap > max_gap_years:
            reasons.append(
                f"the contamination figure (as of {as_of.isoformat()}) is older than the latest "
                f"release figure ({last_release}) by more than {_n_years(max_gap_years)}"
            )
        elif -gap > max_gap_years:
            reasons.append(
                f"the latest release figure ({last_release}) is older than the contamination "
                f"figure (as of {as_of.isoformat()}) by more than {_n_years(max_gap_years)}"
            )
    if rate is not None and rate == 0:
        reasons.append(
            f"no land released in {_years_list(used)}: completion cannot be projected at a "
            "rate of zero"
        )
    if reasons:
        return build(Verdict.UNCLEAR, *flat(Verdict.UNCLEAR), reasons=tuple(reasons))

    # Rule 3: project. years = remaining / (total / n), divided once so whole numbers stay exact.
    assert rate is not None and rate > 0
    with localcontext(_CONTEXT):
        years_needed = remaining * len(used) / total
        completion = year_point(as_of) + years_needed
        projected_year = int(completion.to_integral_value(rounding=ROUND_CEILING)) - 1

        def compare(label: str, due: date) -> Comparison:
            margin = year_point(due) - completion
            verdict = Verdict.ON_TRACK if margin >= 0 else Verdict.NOT_ON_TRACK
            return Comparison(label, due, verdict, margin)

        deadline_cmp = compare(deadline_label, deadline)
        aspiration_cmp = compare(aspiration_label, aspiration) if aspiration else None
    return build(
        deadline_cmp.verdict,
        deadline_cmp,
        aspiration_cmp,
        years_needed=years_needed,
        projected_year=projected_year,
    )


def _explain(f: ClearanceForecast) -> str:
    head = f"{_TREATIES[f.treaty].short_name} {f.article}"
    if f.verdict is Verdict.COMPLETED:
        return (
            f"{head}: no contamination remaining as of {f.remaining_as_of.isoformat()} "
            f"→ {f.verdict.label}"
        )
    parts = [f"{_fmt(f.remaining_km2)} km² remaining as of {f.remaining_as_of.isoformat()}"]
    if f.rate_km2_per_year is not None:
        parts.append(
            f"average release {_fmt(f.rate_km2_per_year)} km²/yr over "
            f"{_years_list([(y, None) for y in f.rate_years])} ({_n_years(len(f.rate_years))})"
        )
    if f.verdict is Verdict.UNCLEAR:
        return f"{head}: " + "; ".join(parts) + f" → {f.verdict.label}: " + "; ".join(f.reasons)
    assert f.years_needed is not None
    parts.append(
        f"{_years(f.years_needed)} needed → projected completion in {f.projected_completion_year}"
    )
    for cmp in (f.deadline, f.aspiration):
        if cmp is None:
            continue
        assert cmp.margin_years is not None
        if cmp.margin_years >= 0:
            margin = f"{_years(cmp.margin_years)} to spare"
        else:
            margin = f"{_years(-cmp.margin_years)} late"
        parts.append(f"{cmp.label} {cmp.due.isoformat()}: {cmp.verdict.label} ({margin})")
    return f"{head}: " + "; ".join(parts)


def _fmt(x: Decimal) -> str:
    """At most 2 decimal places, trailing zeros dropped: 12.00 -> 12, 3.333 -> 3.33."""
    try:
        q = x.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN, context=_CONTEXT)
    except InvalidOperation:  # too many digits for 2 decimal places
        return format(x, ".3E")
    return format(q.normalize(_CONTEXT), "f")


def _years(x: Decimal) -> str:
    text = _fmt(x)
    return f"{text} year" if text == "1" else f"{text} years"


def _n_years(n: int) -> str:
    return "1 year" if n == 1 else f"{n} years"


def _span(window: tuple[int, int]) -> str:
    first, last = window
    return str(last) if first == last else f"{first}–{last}"


def _years_list(pairs: Sequence[tuple[int, object]]) -> str:
    years = [y for y, _ in pairs]
    if years == list(range(years[0], years[-1] + 1)):
        return _span((years[0], years[-1]))
    return ", ".join(str(y) for y in years)


def _km2(name: str, value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise ValueError(f"{name}: expected a Decimal or an int, not {value!r}")
    result = Decimal(value)
    if not result.is_finite():
        raise ValueError(f"{name}: {value} is not a finite number")
    if result < 0:
        raise ValueError(f"{name}: negative area {value}")
    return result


def _as_of(value: object) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"remaining_as_of: expected a date or a year, not {value!r}")
    try:
        return date(value, 12, 31)
    except ValueError:
        raise ValueError(f"remaining_as_of: year {value} is out of range") from None


def _releases(releases: Sequence[tuple[int, Decimal | int]]) -> list[tuple[int, Decimal]]:
    series: list[tuple[int, Decimal]] = []
    for i, pair in enumerate(releases):
        name = f"releases[{i}]"
        try:
            year, km2 = pair
        except (TypeError, ValueError):
            raise ValueError(f"{name}: expected a (year, km²) pair, not {pair!r}") from None
        if isinstance(year, bool) or not isinstance(year, int):
            raise ValueError(f"{name}: expected a year as an int, not {year!r}")
        series.append((year, _km2(name, km2)))
    series.sort(key=lambda p: p[0])
    for (a, _), (b, _) in zip(series, series[1:], strict=False):
        if a == b:
            raise ValueError(f"releases: duplicate year {a}")
    return series
