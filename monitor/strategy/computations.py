"""Named queries over the platform's data that compute an indicator's value per year.

Each query takes the years wanted and returns {year: value} for the years the data supports;
a year the data cannot answer is left out, never filled in. The docstring of each says
exactly what it counts: the progress report shows it as the indicator's method.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

Query = Callable[[Iterable[int]], dict[int, float]]

REGISTRY: dict[str, Query] = {}
MANUAL = "manual"


def register(func: Query) -> Query:
    REGISTRY[func.__name__] = func
    return func


def describe(name: str) -> str:
    """A one-paragraph description of a computation, for the report."""
    if name == MANUAL:
        return "Manual values entered with their sources."
    doc = (REGISTRY[name].__doc__ or name).strip()
    return " ".join(doc.split())


def _end_of_year_parties(treaty: str, year: int) -> int:
    from monitor.treaties.selectors import parties_as_of

    return parties_as_of(treaty=treaty, as_of=date(year, 12, 31)).count


@register
def ccm_states_parties_end_of_year(years: Iterable[int]) -> dict[int, float]:
    """Number of States Parties to the Convention on Cluster Munitions on 31 December of the
    year, in the Monitor's counting convention (a State counts from the deposit of its
    instrument of ratification, acceptance, approval, accession or succession), net of
    withdrawals in effect, from the depositary (UNTC) treaty events."""
    return {y: _end_of_year_parties("ccm", y) for y in years}


@register
def ccm_new_states_parties_per_year(years: Iterable[int]) -> dict[int, float]:
    """New States Parties to the Convention on Cluster Munitions in the year: the count on
    31 December of the year minus the count on 31 December of the year before (Monitor's
    deposit convention, net of withdrawals), from the depositary (UNTC) treaty events."""
    years = sorted(set(years))
    counts = {y: _end_of_year_parties("ccm", y) for y in {y - 1 for y in years} | set(years)}
    return {y: counts[y] - counts[y - 1] for y in years}


def _overdue_clearance(treaty: str, years: Iterable[int]) -> dict[int, float]:
    from monitor.rules.obligations import Kind, ObligationStatus
    from monitor.treaties.selectors import obligations_all

    out: dict[int, float] = {}
    for y in years:
        rows = obligations_all(as_of=date(y, 12, 31), treaty=treaty, kind=Kind.CLEARANCE.value)
        statuses = [r.obligation.status for r in rows]
        if ObligationStatus.UNKNOWN in statuses:
            continue  # the count would be incomplete: the data cannot answer for this year
        out[y] = sum(1 for s in statuses if s is ObligationStatus.OVERDUE)
    return out


@register
def ccm_art4_clearance_overdue_end_of_year(years: Iterable[int]) -> dict[int, float]:
    """Number of Convention on Cluster Munitions States Parties whose Article 4 clearance
    deadline (as extended) had passed on 31 December of the year with the obligation on
    record as applying and no completion recorded (obligation status "overdue"). A year in which
    any State Party's deadline has passed with nothing on record about applicability or
    completion (status "unknown") has no value: the count would be incomplete."""
    return _overdue_clearance("ccm", years)


@register
def mbt_art5_clearance_overdue_end_of_year(years: Iterable[int]) -> dict[int, float]:
    """Number of Mine Ban Treaty States Parties whose Article 5 clearance deadline (as
    extended) had passed on 31 December of the year with the obligation on record as applying
    and no completion recorded (obligation status "overdue"). A year in which any
    State Party's deadline has passed with nothing on record about applicability or completion
    (status "unknown") has no value: the count would be incomplete."""
    return _overdue_clearance("mbt", years)
