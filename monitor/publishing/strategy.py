"""The strategy progress report as a PDF (`monitor strategy report --format pdf`).

Same selector as the JSON and HTML reports and the API (`progress_report_by_goal`), laid out
by typst/strategy.typ with a chart per indicator drawn by the website's chart renderer.
"""

from __future__ import annotations

from monitor.graphics.charts import ReferenceLine, Series, format_number, line_chart_svg
from monitor.publishing.documents import typeset
from monitor.rules.progress import ProgressStatus
from monitor.strategy.models import Strategy
from monitor.strategy.selectors import progress_report_by_goal

#: Badge colour group per status (typst/strategy.typ), so colour is never the only signal.
_TONE = {
    ProgressStatus.TARGET_ACHIEVED: "met",
    ProgressStatus.SUBSTANTIAL_PROGRESS: "pending",
    ProgressStatus.MODERATE_PROGRESS: "pending",
    ProgressStatus.LIMITED_PROGRESS: "unknown",
    ProgressStatus.DETERIORATION: "overdue",
    ProgressStatus.NOT_ENOUGH_DATA: "n/a",
}


def _chart(row: dict) -> str | None:
    values = {v["year"]: v["value"] for v in row["values"]}
    if len(values) < 2:
        return None
    return line_chart_svg(
        [Series(row["unit"] or "value", values)],
        references=[ReferenceLine(f"Target {t['year']}", t["value"]) for t in row["targets"]],
        title=f"{row['code']}: {row['name']}",
        description="Values by year, with each target as a dashed line (the website's chart).",
        x_label="Year",
        y_label=row["unit"],
        width=560,
        height=240,
    )


def strategy_report_pdf(strategy: Strategy, year: int) -> bytes:
    graphics: dict[str, str] = {}
    goals = []
    for g in progress_report_by_goal(strategy, year):
        rows = []
        for r in g["rows"]:
            status = ProgressStatus(r["status"])
            chart = _chart(r)
            file = None
            if chart:
                file = f"indicator-{r['code']}.svg".replace("/", "-")
                graphics[file] = chart
            rows.append(
                {
                    "objective": f"{r['objective'].code}) {r['objective'].name}",
                    "code": r["code"],
                    "name": r["name"],
                    "unit": r["unit"],
                    "values": [
                        {"year": v["year"], "value": format_number(v["value"])} for v in r["values"]
                    ],
                    "targets": [
                        {"year": t["year"], "value": format_number(t["value"])}
                        for t in r["targets"]
                    ],
                    "status": status.label,
                    "tone": _TONE[status],
                    "method": r["method"],
                    "chart": file,
                }
            )
        goals.append(
            {
                "code": g["goal"].code,
                "name": g["goal"].name,
                "description": g["goal"].description,
                "rows": rows,
            }
        )
    data = {
        "strategy": strategy.name,
        "period": f"{strategy.period_start}–{strategy.period_end}",
        "year": year,
        "source_url": strategy.source_url,
        "goals": goals,
        "draft": False,
        "as_of": str(year),
    }
    return typeset("strategy.typ", data, graphics)
