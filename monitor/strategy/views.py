"""Public pages of the strategy tracker: the overview, an indicator, the clearance forecasts.

Each view parses its input, calls one read (monitor.strategy.selectors / .forecasts) and
renders; a bad parameter is the 400 page, an unknown indicator the 404 page.
"""

from __future__ import annotations

import re

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_lazy

from monitor.graphics.charts import ReferenceLine, line_chart_svg
from monitor.graphics.charts import Series as ChartSeries
from monitor.rules.forecast import Verdict
from monitor.rules.progress import ProgressStatus
from monitor.rules.treaties import TREATIES
from monitor.strategy.forecasts import FORECAST_TREATIES, clearance_forecasts
from monitor.strategy.models import Strategy
from monitor.strategy.selectors import (
    UnknownIndicator,
    UnknownStrategy,
    indicator_detail,
    progress_report_by_goal,
    strategy_for,
)
from monitor.web.params import BadParameter, parse_as_of
from monitor.web.views import bad_parameter_is_400, bad_request

#: Status and verdict labels in the reader's language, with the badge class that reinforces
#: them (the text carries the meaning; the classes are the site's existing badge colours).
STATUS_BADGES = {
    ProgressStatus.TARGET_ACHIEVED: (gettext_lazy("target achieved"), "ob-met"),
    ProgressStatus.SUBSTANTIAL_PROGRESS: (gettext_lazy("substantial progress"), "state-party"),
    ProgressStatus.MODERATE_PROGRESS: (gettext_lazy("moderate progress"), "ob-pending"),
    ProgressStatus.LIMITED_PROGRESS: (gettext_lazy("limited or no progress"), "ob-unknown"),
    ProgressStatus.DETERIORATION: (gettext_lazy("deterioration"), "ob-overdue"),
    ProgressStatus.NOT_ENOUGH_DATA: (gettext_lazy("not enough data"), "ob-n-a"),
}
VERDICT_BADGES = {
    Verdict.ON_TRACK: (gettext_lazy("on track"), "ob-met"),
    Verdict.NOT_ON_TRACK: (gettext_lazy("not on track"), "ob-overdue"),
    Verdict.UNCLEAR: (gettext_lazy("unclear"), "ob-unknown"),
    Verdict.COMPLETED: (gettext_lazy("completed"), "ob-met"),
}

_YEAR = re.compile(r"^\d{4}$")
_CODE = re.compile(r"^[\w.-]{1,20}$")  # an indicator code (Indicator.code is at most 20)


def _strategy() -> Strategy:
    try:
        return strategy_for()
    except UnknownStrategy:
        raise Http404(gettext("No strategy has been loaded.")) from None


def _year(request, strategy: Strategy) -> int:
    """`?year=YYYY` between the strategy's first year and this year (or its last year);
    absent or empty means the strategy's last year."""
    raw = request.GET.get("year", "").strip()
    if not raw:
        return strategy.period_end
    last = max(strategy.period_end, timezone.localdate().year)
    message = gettext("The year must be a year from %(first)s to %(last)s, not “%(value)s”.") % {
        "first": strategy.period_start,
        "last": last,
        "value": raw[:40],
    }
    if not _YEAR.match(raw):
        raise BadParameter(message)
    year = int(raw)
    if not strategy.period_start <= year <= last:
        raise BadParameter(message)
    return year


def _badge(status: str) -> dict:
    label, css = STATUS_BADGES[ProgressStatus(status)]
    return {"label": label, "css": css}


@bad_parameter_is_400
def overview(request):
    strategy = _strategy()
    year = _year(request, strategy)
    goals = progress_report_by_goal(strategy, year)
    for goal in goals:
        for row in goal["rows"]:
            row["badge"] = _badge(row["status"])
    counts = {}
    for goal in goals:
        for row in goal["rows"]:
            counts[row["status"]] = counts.get(row["status"], 0) + 1
    summary = [
        {**_badge(status.value), "count": counts[status.value]}
        for status in STATUS_BADGES
        if status.value in counts
    ]
    return render(
        request,
        "strategy/overview.html",
        {
            "strategy": strategy,
            "year": year,
            "years": list(range(strategy.period_start, strategy.period_end + 1)),
            "goals": goals,
            "summary": summary,
            "explicit_year": bool(request.GET.get("year", "").strip()),
        },
    )


@bad_parameter_is_400
def indicator(request, code: str):
    if not _CODE.fullmatch(code):
        raise Http404(gettext("No indicator of this strategy has this code."))
    strategy = _strategy()
    year = _year(request, strategy)
    try:
        detail = indicator_detail(strategy, code, year)
    except UnknownIndicator:
        raise Http404(gettext("No indicator of this strategy has this code.")) from None
    return render(
        request,
        "strategy/indicator.html",
        {
            "strategy": strategy,
            "year": year,
            "years": list(range(strategy.period_start, strategy.period_end + 1)),
            "detail": detail,
            "ind": detail.indicator,
            "badge": _badge(detail.status.status.value),
            "chart": _indicator_chart(detail),
            "explicit_year": bool(request.GET.get("year", "").strip()),
        },
    )


def _indicator_chart(detail):
    ind = detail.indicator
    if not detail.values:
        return None
    references = [
        ReferenceLine(gettext("Target %(year)s") % {"year": y}, float(v)) for y, v in detail.targets
    ]
    svg = line_chart_svg(
        [ChartSeries(ind.name, {v.year: float(v.value) for v in detail.values})],
        title=gettext("%(code)s: %(name)s, by year") % {"code": ind.code, "name": ind.name},
        description=gettext(
            "Values of the indicator by year, with its target as a dashed line; the table below "
            "gives each value with its source."
        ),
        x_label=gettext("Year"),
        y_label=ind.unit,
        references=references,
    )
    return mark_safe(svg)  # noqa: S308 - built by monitor.graphics, which escapes every text


def _comparison(cmp) -> dict | None:
    """A verdict against one date, as its badge and margin (years to spare, or years late)."""
    if cmp is None:
        return None
    label, css = VERDICT_BADGES[cmp.verdict]
    margin = cmp.margin_years
    return {
        "label": label,
        "css": css,
        "due": cmp.due,
        "spare": margin if margin is not None and margin >= 0 else None,
        "late": -margin if margin is not None and margin < 0 else None,
    }


@bad_parameter_is_400
def forecasts(request):
    as_of = parse_as_of(request)
    treaty = request.GET.get("treaty", "").strip()
    if treaty and treaty not in FORECAST_TREATIES:
        return bad_request(
            request,
            gettext("There is no treaty with a clearance obligation called “%s”.") % treaty[:40],
        )
    rows = clearance_forecasts(treaty=treaty or None, as_of=as_of.date)
    items = [
        {
            "row": row,
            "f": row.forecast,
            "deadline": _comparison(row.forecast.deadline),
            "aspiration": _comparison(row.forecast.aspiration),
        }
        for row in rows
    ]
    counts = {}
    for item in items:
        counts[item["f"].verdict] = counts.get(item["f"].verdict, 0) + 1
    summary = [
        {"label": VERDICT_BADGES[v][0], "css": VERDICT_BADGES[v][1], "count": counts[v]}
        for v in VERDICT_BADGES
        if v in counts
    ]
    return render(
        request,
        "strategy/forecasts.html",
        {
            "as_of": as_of,
            "items": items,
            "summary": summary,
            "treaty_choices": [TREATIES[code] for code in FORECAST_TREATIES],
            "selected": {"treaty": treaty},
        },
    )
