"""Progress status of an indicator toward a quantitative target. Pure functions; no Django.

The method is Open SDG's automated progress measurement (Statistics Canada's methodology), as
implemented in open-sdg/sdg-build `sdg/ProgressMeasure.py` (`SeriesProgress.methodology_2`,
`growth_calculation`, `is_target_achieved`, `get_progress_thresholds`, `get_progress_status`)
and documented in open-sdg/open-sdg `docs/progress-methodology.md` ("Indicators with
quantitative targets", "Special considerations for the base value and the target value",
"Minimum data requirements"):

- observed growth: ``CAGR_o = (y_latest / y_base) ** (1 / (t_latest - t_base)) - 1``
- required growth: ``CAGR_r = (y_target / y_base) ** (1 / (t_target - t_base)) - 1``
- ratio: ``R = s * d * CAGR_o / |CAGR_r|``, with ``d`` = +1 for a desired increase and -1 for a
  desired decrease, and ``s`` = -1 when the baseline value is negative (an all-negative series
  flips the direction), else +1.
- status: **target achieved** when the latest value has reached the target (``>=`` for an
  increase, ``<=`` for a decrease), whatever R; otherwise ``R >= 0.95`` substantial progress,
  ``0.60 <= R < 0.95`` moderate progress, ``0 <= R < 0.60`` limited (or no) progress,
  ``R < 0`` deterioration. The thresholds are Open SDG's defaults and are configurable.
- a baseline or target value of exactly 0 is replaced by 0.001 in the calculation (the
  exponential model cannot start from or aim at zero).
- baseline and latest values of opposite signs: no assessment (the CAGR is undefined).
- at least two years of data; when the baseline year has no observation, the next year that
  has one is the baseline.

Where this module decides something Open SDG does not, or differs from it:

1. The default baseline is the first observation (Open SDG defaults to 2015, then the next
   year with data).
2. `assessment_year` takes the latest observation at or before that year; later observations
   are ignored (Open SDG always uses the most recent year).
3. NaN and infinite numbers are refused with ValueError (Open SDG silently drops NA values):
   leave missing years out of the series instead. Duplicate years are refused with ValueError,
   as in Open SDG; unsorted input is sorted.
4. Whether the target is achieved is judged against the target as given, not the 0.001
   substitute (sdg-build compares with the substitute).
5. A baseline and a target of opposite signs (after substitution) give no assessment: the
   required CAGR is undefined (sdg-build would compute NaN).
6. A target year at or before the baseline year gives no assessment: no growth rate can be
   required (sdg-build would divide by zero, or use a negative span).
7. A target equal to the baseline value that is no longer met (or one so close to it that the
   required CAGR rounds to 0 in floating point): the required CAGR is 0 and R is undefined; the series has moved away from a target it met at the baseline, so the status is
   deterioration and `ratio` is None.
8. A target year that has passed (latest observation after it) without the target being met:
   R is computed exactly as Open SDG does; `target_year_passed` is set and the explanation
   says so.

Open SDG's method without a target (CAGR against fixed growth thresholds, with limits) and its
aggregate scores are not implemented: a target is required. Open SDG's "not_available" status
is called `not_enough_data` here and always carries a `reason`.

Values are floats: the growth rates use fractional powers, so Decimal input is converted.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

Number = float | int | Decimal


def _num(x: float) -> str:
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.6g}"


def _finite(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError(f"{name}: expected a number, not {value!r}")
    try:
        result = float(value)
    except OverflowError:  # an int too large for a float
        raise ValueError(f"{name}: {value} is too large") from None
    if not math.isfinite(result):
        raise ValueError(f"{name}: {value} is not a finite number (or is too large)")
    return result


class Direction(enum.StrEnum):
    INCREASE = "increase"
    DECREASE = "decrease"

    @property
    def sign(self) -> int:
        return 1 if self is Direction.INCREASE else -1


class ProgressStatus(enum.StrEnum):
    TARGET_ACHIEVED = "target_achieved"
    SUBSTANTIAL_PROGRESS = "substantial_progress"
    MODERATE_PROGRESS = "moderate_progress"
    LIMITED_PROGRESS = "limited_progress"  # limited or no progress
    DETERIORATION = "deterioration"
    NOT_ENOUGH_DATA = "not_enough_data"  # Open SDG: "not_available"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]

    @property
    def rank(self) -> int | None:
        """Order of the assessed statuses, worst (0) to best (4); None for not_enough_data."""
        return _STATUS_RANKS.get(self)


_STATUS_LABELS = {
    ProgressStatus.TARGET_ACHIEVED: "target achieved",
    ProgressStatus.SUBSTANTIAL_PROGRESS: "substantial progress",
    ProgressStatus.MODERATE_PROGRESS: "moderate progress",
    ProgressStatus.LIMITED_PROGRESS: "limited or no progress",
    ProgressStatus.DETERIORATION: "deterioration",
    ProgressStatus.NOT_ENOUGH_DATA: "not enough data",
}

_STATUS_RANKS = {
    ProgressStatus.DETERIORATION: 0,
    ProgressStatus.LIMITED_PROGRESS: 1,
    ProgressStatus.MODERATE_PROGRESS: 2,
    ProgressStatus.SUBSTANTIAL_PROGRESS: 3,
    ProgressStatus.TARGET_ACHIEVED: 4,
}


class Point(NamedTuple):
    """One observation, or a target: a year and a value."""

    year: int
    value: float


@dataclass(frozen=True)
class Thresholds:
    """Cut-offs on the ratio R, and the stand-in for a zero baseline or target.

    Defaults are Open SDG's for indicators with a quantitative target (sdg-build
    `get_progress_thresholds`, method 2: high 0.95, med 0.6, low 0; zero replaced by 0.001).
    A ratio equal to a cut-off falls in the better band.
    """

    substantial: float = 0.95
    moderate: float = 0.6
    limited: float = 0.0
    zero_substitute: float = 0.001

    def __post_init__(self) -> None:
        for name in ("substantial", "moderate", "limited", "zero_substitute"):
            value = _finite(f"thresholds.{name}", getattr(self, name))
            object.__setattr__(self, name, value)
        if not (self.limited <= self.moderate <= self.substantial):
            raise ValueError("thresholds: need limited <= moderate <= substantial")
        if self.zero_substitute <= 0:
            raise ValueError("thresholds.zero_substitute: must be greater than 0")

    def classify(self, ratio: float) -> ProgressStatus:
        """The status for a ratio R (sdg-build `get_progress_status`, target not achieved)."""
        if ratio >= self.substantial:
            return ProgressStatus.SUBSTANTIAL_PROGRESS
        if ratio >= self.moderate:
            return ProgressStatus.MODERATE_PROGRESS
        if ratio >= self.limited:
            return ProgressStatus.LIMITED_PROGRESS
        return ProgressStatus.DETERIORATION

    def band(self, status: ProgressStatus) -> str:
        """The range of R for a status, e.g. "0.6 ≤ R < 0.95"."""
        hi, mid, lo = (_num(x) for x in (self.substantial, self.moderate, self.limited))
        return {
            ProgressStatus.SUBSTANTIAL_PROGRESS: f"R ≥ {hi}",
            ProgressStatus.MODERATE_PROGRESS: f"{mid} ≤ R < {hi}",
            ProgressStatus.LIMITED_PROGRESS: f"{lo} ≤ R < {mid}",
            ProgressStatus.DETERIORATION: f"R < {lo}",
        }.get(status, "")


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class ProgressAssessment:
    """A status with the calculation that produced it.

    `baseline` and `latest` are the observations used (values as observed, before any zero
    substitution); `observed_cagr` and `required_cagr` are CAGR_o and CAGR_r as fractions per
    year (0.041 = 4.1%/yr); `ratio` is R. Each is None where it could not be computed, and
    `reason` then says why. `substitutions` lists any zero replaced by the stand-in.
    """

    status: ProgressStatus
    direction: Direction
    target: Point
    baseline: Point | None
    latest: Point | None
    observed_cagr: float | None
    required_cagr: float | None
    ratio: float | None
    thresholds: Thresholds
    target_year_passed: bool
    substitutions: tuple[str, ...]
    reason: str
    explanation: str


def growth_rate(base_value: float, value: float, years: float) -> float:
    """Compound annual growth rate from `base_value` to `value` over `years` years.

    sdg-build `growth_calculation`: ``(value / base_value) ** (1 / years) - 1``. Needs
    `base_value` non-zero, `value / base_value` >= 0 and `years` > 0.
    """
    if base_value == 0:
        raise ValueError("base_value: the growth rate from 0 is undefined")
    if years <= 0:
        raise ValueError(f"years: must be positive, not {years}")
    quotient = value / base_value
    if quotient < 0:
        raise ValueError("value and base_value must have the same sign")
    return quotient ** (1 / years) - 1


def assess_progress(
    observations: Sequence[tuple[int, Number]],
    direction: Direction | str,
    target: tuple[int, Number],
    *,
    baseline_year: int | None = None,
    assessment_year: int | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> ProgressAssessment:
    """Open SDG's progress status of a series toward `target` (see the module docstring).

    `observations`: (year, value) pairs in any order, one per year. `target`: (year, value).
    `baseline_year`: defaults to the first observation; if it has no observation, the next year
    that has one. `assessment_year`: defaults to the latest observation; otherwise the latest
    observation at or before it.
    """
    try:
        direction = Direction(direction)
    except ValueError:
        raise ValueError(
            f"direction: expected 'increase' or 'decrease', not {direction!r}"
        ) from None
    if not isinstance(thresholds, Thresholds):
        raise ValueError("thresholds: expected a Thresholds instance")
    series = _series(observations)
    goal = _point("target", target)
    if baseline_year is not None:
        _year("baseline_year", baseline_year)
    if assessment_year is not None:
        _year("assessment_year", assessment_year)

    def result(
        status: ProgressStatus,
        baseline: Point | None,
        latest: Point | None,
        *,
        observed: float | None = None,
        required: float | None = None,
        ratio: float | None = None,
        substitutions: tuple[str, ...] = (),
        reason: str = "",
    ) -> ProgressAssessment:
        passed = latest is not None and latest.year > goal.year
        passed = passed and status is not ProgressStatus.TARGET_ACHIEVED
        return ProgressAssessment(
            status=status,
            direction=direction,
            target=goal,
            baseline=baseline,
            latest=latest,
            observed_cagr=observed,
            required_cagr=required,
            ratio=ratio,
            thresholds=thresholds,
            target_year_passed=passed,
            substitutions=substitutions,
            reason=reason,
            explanation=_explain(
                status,
                direction,
                goal,
                baseline,
                latest,
                observed,
                required,
                ratio,
                thresholds,
                passed,
                substitutions,
                reason,
            ),
        )

    usable = [p for p in series if assessment_year is None or p.year <= assessment_year]
    if not usable:
        why = "no observations" if not series else f"no observation in or before {assessment_year}"
        return result(ProgressStatus.NOT_ENOUGH_DATA, None, None, reason=why)
    latest = usable[-1]
    achieved = _achieved(direction, latest.value, goal.value)

    start = usable[0].year if baseline_year is None else baseline_year
    baseline = next((p for p in usable if p.year >= start), None)
    if baseline is None:
        # Open SDG: "Base year ... is greater than the most recent available data".
        status = ProgressStatus.TARGET_ACHIEVED if achieved else ProgressStatus.NOT_ENOUGH_DATA
        why = f"baseline year {start} is after the latest observation ({latest.year})"
        return result(status, None, latest, reason="" if achieved else why)

    calc = _calculate(baseline, latest, goal, direction, thresholds)
    if achieved:
        return result(
            ProgressStatus.TARGET_ACHIEVED,
            baseline,
            latest,
            observed=calc.observed,
            required=calc.required,
            ratio=calc.ratio,
            substitutions=calc.substitutions,
        )
    if calc.reason:
        return result(
            ProgressStatus.NOT_ENOUGH_DATA,
            baseline,
            latest,
            observed=calc.observed,
            required=calc.required,
            substitutions=calc.substitutions,
            reason=calc.reason,
        )
    if calc.ratio is None:
        # Deviation 7: the target was met at the baseline and no longer is.
        status = ProgressStatus.DETERIORATION
    else:
        status = thresholds.classify(calc.ratio)
    return result(
        status,
        baseline,
        latest,
        observed=calc.observed,
        required=calc.required,
        ratio=calc.ratio,
        substitutions=calc.substitutions,
    )


@dataclass(frozen=True)
class _Calculation:
    observed: float | None = None
    required: float | None = None
    ratio: float | None = None
    substitutions: tuple[str, ...] = ()
    reason: str = ""


def _calculate(
    baseline: Point, latest: Point, goal: Point, direction: Direction, thresholds: Thresholds
) -> _Calculation:
    """CAGR_o, CAGR_r and R as in sdg-build `calculate_progress_value`, or why not."""
    if latest.year - baseline.year < 1:
        return _Calculation(
            reason=(
                f"only one observation from the baseline year {baseline.year} on: at least "
                "two years of data are needed"
            )
        )
    # s is taken from the baseline value before any zero substitution, as sdg-build does.
    sign = -1 if baseline.value < 0 else 1
    substitute = thresholds.zero_substitute
    notes: list[str] = []
    base_value = baseline.value
    if base_value == 0:
        base_value = substitute
        notes.append(f"baseline value 0 replaced by {_num(substitute)}")
    target_value = goal.value
    if target_value == 0:
        target_value = substitute
        notes.append(f"target value 0 replaced by {_num(substitute)}")
    subs = tuple(notes)

    if (base_value > 0 and latest.value < 0) or (base_value < 0 and latest.value > 0):
        return _Calculation(
            substitutions=subs,
            reason=(
                f"baseline ({_num(base_value)}) and latest ({_num(latest.value)}) values have "
                "opposite signs: the growth rate is undefined"
            ),
        )
    observed = growth_rate(base_value, latest.value, latest.year - baseline.year)
    if goal.year <= baseline.year:
        return _Calculation(
            observed=observed,
            substitutions=subs,
            reason=(
                f"target year {goal.year} is not after the baseline year {baseline.year}: no "
                "growth rate can be required"
            ),
        )
    if (base_value > 0) != (target_value > 0):
        return _Calculation(
            observed=observed,
            substitutions=subs,
            reason=(
                f"baseline ({_num(base_value)}) and target ({_num(target_value)}) values have "
                "opposite signs: the required growth rate is undefined"
            ),
        )
    required = growth_rate(base_value, target_value, goal.year - baseline.year)
    if required == 0:
        return _Calculation(observed=observed, required=required, substitutions=subs)
    ratio = sign * direction.sign * observed / abs(required)
    if not all(math.isfinite(x) for x in (observed, required, ratio)):
        return _Calculation(
            substitutions=subs,
            reason="the values are too far apart for a growth rate to be computed",
        )
    return _Calculation(observed=observed, required=required, ratio=ratio, substitutions=subs)


def _achieved(direction: Direction, value: float, target: float) -> bool:
    """sdg-build `is_target_achieved`, against the target as given (deviation 4)."""
    if direction is Direction.INCREASE:
        return value >= target
    return value <= target


def _explain(
    status: ProgressStatus,
    direction: Direction,
    goal: Point,
    baseline: Point | None,
    latest: Point | None,
    observed: float | None,
    required: float | None,
    ratio: float | None,
    thresholds: Thresholds,
    target_year_passed: bool,
    substitutions: tuple[str, ...],
    reason: str,
) -> str:
    parts: list[str] = []
    points = []
    if baseline is not None:
        points.append(f"baseline {baseline.year}: {_num(baseline.value)}")
    if latest is not None:
        points.append(f"latest {latest.year}: {_num(latest.value)}")
    points.append(f"target {goal.year}: {_num(goal.value)} ({direction.value})")
    parts.append(", ".join(points))
    if substitutions:
        parts.append("; ".join(substitutions))
    if baseline is not None and baseline.value < 0:
        parts.append("negative series: direction flipped in the ratio")

    if status is ProgressStatus.TARGET_ACHIEVED:
        assert latest is not None
        verb = "at or above" if direction is Direction.INCREASE else "at or below"
        growth = ""
        if observed is not None and required is not None:
            growth = f" (observed growth {_pct(observed)} vs {_pct(required)} needed)"
        parts.append(
            f"latest value {_num(latest.value)} is {verb} the target {_num(goal.value)}"
            f"{growth} → {status.label}"
        )
    elif status is ProgressStatus.NOT_ENOUGH_DATA:
        parts.append(f"{reason} → {status.label}")
    elif ratio is None:
        assert observed is not None and required is not None
        parts.append(
            f"observed growth {_pct(observed)} vs {_pct(required)} needed: the target equalled "
            f"the baseline value and is no longer met → {status.label}"
        )
    else:
        assert observed is not None and required is not None
        parts.append(
            f"observed growth {_pct(observed)} vs {_pct(required)} needed: ratio {ratio:.2f} "
            f"→ {status.label} ({thresholds.band(status)})"
        )
    if target_year_passed:
        parts.append(f"the target year {goal.year} has passed without the target being met")
    return "; ".join(parts)


def _pct(rate: float) -> str:
    return f"{rate * 100:.1f}%/yr"


def _year(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name}: expected a year as an int, not {value!r}")
    return value


def _point(name: str, pair: object) -> Point:
    try:
        year, value = pair  # type: ignore[misc]
    except (TypeError, ValueError):
        raise ValueError(f"{name}: expected a (year, value) pair, not {pair!r}") from None
    return Point(_year(f"{name} year", year), _finite(f"{name} value", value))


def _series(observations: Sequence[tuple[int, Number]]) -> list[Point]:
    points = [_point(f"observations[{i}]", pair) for i, pair in enumerate(observations)]
    points.sort(key=lambda p: p.year)
    for a, b in zip(points, points[1:], strict=False):
        if a.year == b.year:
            raise ValueError(
                f"observations: duplicate year {a.year} ({_num(a.value)} and {_num(b.value)})"
            )
    return points
