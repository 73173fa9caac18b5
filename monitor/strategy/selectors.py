"""Reads of a strategy's indicators: their yearly values, progress status and the report."""

from __future__ import annotations

from dataclasses import dataclass

from monitor.rules.progress import (
    DEFAULT_THRESHOLDS,
    ProgressAssessment,
    ProgressStatus,
    Thresholds,
    assess_progress,
)
from monitor.strategy import computations
from monitor.strategy.models import Indicator, Strategy


@dataclass(frozen=True)
class SeriesValue:
    year: int
    value: float
    method: str  # the computation's name, or "manual"
    source: str  # the source's title (manual) or the computation's description


def _clean(value: float) -> float | int:
    value = float(value)
    return int(value) if value.is_integer() else value


def indicator_series(indicator: Indicator, years) -> list[SeriesValue]:
    """The indicator's values for `years` (only the years that have one), each with its
    method and source: computed by the registered query, or the manual values entered."""
    years = sorted(set(years))
    if indicator.computation == computations.MANUAL:
        wanted = set(years)
        return [
            SeriesValue(mv.year, _clean(mv.value), computations.MANUAL, mv.source.title)
            for mv in indicator.manual_values.select_related("source").order_by("year")
            if mv.year in wanted
        ]
    query = computations.REGISTRY[indicator.computation]
    description = computations.describe(indicator.computation)
    values = query(years)
    return [
        SeriesValue(y, _clean(values[y]), indicator.computation, description)
        for y in years
        if values.get(y) is not None
    ]


def indicator_thresholds(indicator: Indicator) -> Thresholds:
    if not indicator.thresholds:
        return DEFAULT_THRESHOLDS
    return Thresholds(**indicator.thresholds)


def indicator_target(indicator: Indicator, year: int) -> tuple[int, float] | None:
    """The target whose year is nearest at or after `year`, else the last one."""
    targets = sorted((t.year, t.value) for t in indicator.targets.all())
    if not targets:
        return None
    return next((t for t in targets if t[0] >= year), targets[-1])


@dataclass(frozen=True)
class IndicatorStatus:
    status: ProgressStatus
    explanation: str
    assessment: ProgressAssessment | None


def _observations(indicator: Indicator, year: int, period_start: int) -> list[tuple[int, float]]:
    start = min(y for y in (indicator.baseline_year, period_start) if y is not None)
    series = {v.year: v.value for v in indicator_series(indicator, range(start, year + 1))}
    if indicator.baseline_year is not None and indicator.baseline_value is not None:
        series[indicator.baseline_year] = indicator.baseline_value
    return sorted(series.items())


def indicator_status(
    indicator: Indicator, year: int, *, observations: list[tuple[int, float]] | None = None
) -> IndicatorStatus:
    """Open SDG progress status of the indicator in `year` (monitor.rules.progress), against
    the target whose year is nearest at or after `year`, else the last target."""
    target = indicator_target(indicator, year)
    if target is None:
        return IndicatorStatus(
            ProgressStatus.NOT_ENOUGH_DATA,
            "no quantitative target is set for this indicator → not enough data",
            None,
        )
    if observations is None:
        period_start = indicator.objective.goal.strategy.period_start
        observations = _observations(indicator, year, period_start)
    assessment = assess_progress(
        observations,
        indicator.direction,
        target,
        baseline_year=indicator.baseline_year,
        assessment_year=year,
        thresholds=indicator_thresholds(indicator),
    )
    return IndicatorStatus(assessment.status, assessment.explanation, assessment)


def _indicators(strategy: Strategy):
    return (
        Indicator.objects.filter(objective__goal__strategy=strategy)
        .select_related("objective__goal__strategy")
        .prefetch_related("targets")
        .order_by("objective__goal__order", "objective__code", "code")
    )


def progress_report(strategy: Strategy, year: int) -> dict:
    """The progress report of `strategy` for `year` (JSON-ready; shape documented in the
    issue: strategy, year, indicators[code, name, unit, values, targets, status, method])."""
    indicators = []
    for ind in _indicators(strategy):
        years = range(strategy.period_start, year + 1)
        observations = _observations(ind, year, strategy.period_start)
        by_year = dict(observations)
        values = [{"year": y, "value": _clean(by_year[y])} for y in years if y in by_year]
        status = indicator_status(ind, year, observations=observations)
        method = computations.describe(ind.computation)
        if ind.note:
            method += f" Note: {ind.note}"
        method += f" Status: {status.explanation}."
        indicators.append(
            {
                "code": ind.code,
                "name": ind.name,
                "unit": ind.unit,
                "values": values,
                "targets": [
                    {"year": t.year, "value": _clean(t.value)}
                    for t in sorted(ind.targets.all(), key=lambda t: t.year)
                ],
                "status": status.status.value,
                "method": method,
            }
        )
    return {"strategy": strategy.name, "year": year, "indicators": indicators}


def progress_report_by_goal(strategy: Strategy, year: int) -> list[dict]:
    """The report's indicators grouped by goal and objective, for the HTML document."""
    report = progress_report(strategy, year)
    by_code = {i["code"]: i for i in report["indicators"]}
    goals = []
    for goal in strategy.goals.prefetch_related("objectives__indicators").order_by("order"):
        rows = []
        for objective in goal.objectives.all():
            for ind in objective.indicators.all():
                rows.append({"objective": objective, **by_code[ind.code]})
        goals.append({"goal": goal, "rows": rows})
    return goals


class UnknownStrategy(LookupError):
    """No strategy with that code, or none loaded; the message says which."""


def strategy_for(*, code: str | None = None, year: int | None = None) -> Strategy:
    """The strategy named by `code`; else the one whose period holds `year` (the latest one
    when no period holds it, or when `year` is None)."""
    if code is not None:
        found = Strategy.objects.filter(code=code).first()
        if found is None:
            known = ", ".join(Strategy.objects.values_list("code", flat=True)) or "none"
            raise UnknownStrategy(f"unknown strategy {code!r}: loaded strategies: {known}")
        return found
    found = None
    if year is not None:
        found = (
            Strategy.objects.filter(period_start__lte=year, period_end__gte=year)
            .order_by("-period_start")
            .first()
        )
    found = found or Strategy.objects.order_by("-period_end").first()
    if found is None:
        raise UnknownStrategy(
            "no strategy loaded: run `monitor seed` or `monitor import-strategy FILE.yaml`"
        )
    return found


# --- Pages: the strategy overview and an indicator's page ------------------------------------


class UnknownIndicator(LookupError):
    """No indicator with that code in the strategy."""


@dataclass(frozen=True)
class IndicatorValue:
    """One row of an indicator's data table: a value and where it comes from.

    `method`: "manual" (entered with `source`), "baseline" (the baseline value set in the
    strategy) or the name of the computation (`source` is then its description, the data it
    counts).
    """

    year: int
    value: float | int
    method: str
    source: str
    source_url: str = ""
    note: str = ""


@dataclass(frozen=True)
class IndicatorDetail:
    strategy: Strategy
    indicator: Indicator
    year: int
    values: tuple[IndicatorValue, ...]
    targets: tuple[tuple[int, float | int], ...]
    status: IndicatorStatus
    method: str  # what the values count (the computation's description, or manual entry)


BASELINE = "baseline"


def indicator_values(indicator: Indicator, year: int) -> list[IndicatorValue]:
    """The indicator's values from its baseline (or the strategy's first year) to `year`, each
    with its source: exactly the observations its progress status is computed from."""
    strategy = indicator.objective.goal.strategy
    start = min(y for y in (indicator.baseline_year, strategy.period_start) if y is not None)
    years = range(start, year + 1)
    if indicator.computation == computations.MANUAL:
        rows = {
            mv.year: IndicatorValue(
                mv.year,
                _clean(mv.value),
                computations.MANUAL,
                mv.source.citation,
                mv.source.url,
                mv.note,
            )
            for mv in indicator.manual_values.select_related("source").order_by("year")
            if start <= mv.year <= year
        }
    else:
        rows = {
            v.year: IndicatorValue(v.year, v.value, v.method, v.source)
            for v in indicator_series(indicator, years)
        }
    if indicator.baseline_year is not None and indicator.baseline_value is not None:
        if start <= indicator.baseline_year <= year:
            rows[indicator.baseline_year] = IndicatorValue(
                indicator.baseline_year,
                _clean(indicator.baseline_value),
                BASELINE,
                strategy.name,
                strategy.source_url,
            )
    return [rows[y] for y in sorted(rows)]


def indicator_detail(strategy: Strategy, code: str, year: int) -> IndicatorDetail:
    """Everything an indicator's page shows for `year`: values with sources, targets, status
    and method. Raises UnknownIndicator."""
    indicator = _indicators(strategy).filter(code=code).prefetch_related("manual_values").first()
    if indicator is None:
        raise UnknownIndicator(f"no indicator {code!r} in {strategy.name}")
    values = indicator_values(indicator, year)
    status = indicator_status(
        indicator, year, observations=[(v.year, float(v.value)) for v in values]
    )
    method = computations.describe(indicator.computation)
    return IndicatorDetail(
        strategy=strategy,
        indicator=indicator,
        year=year,
        values=tuple(values),
        targets=tuple(
            (t.year, _clean(t.value)) for t in sorted(indicator.targets.all(), key=lambda t: t.year)
        ),
        status=status,
        method=method,
    )
