"""Loading a strategy from YAML: everything validated first, then written in one transaction.

Re-importing a file replaces the strategy's goals, objectives, indicators, targets and manual
values with the file's (the strategy row, found by its code, is kept): the result is the same
however many times a file is imported.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.db import transaction

from monitor.rules.progress import Thresholds
from monitor.strategy import computations
from monitor.strategy.models import Goal, Indicator, ManualValue, Objective, Strategy, Target

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

DEFAULT_STRATEGY = Path(__file__).resolve().parent / "data" / "icbl-cmc-2017-2021.yaml"


class StrategyImportError(ValueError):
    """An invalid strategy file; the message names the file, line and key path."""


@dataclass
class ImportReport:
    strategy: Strategy
    goals: int
    objectives: int
    indicators: int


_STRATEGY_KEYS = {
    "code": True,
    "name": True,
    "period_start": True,
    "period_end": True,
    "source_url": False,
}
_GOAL_KEYS = {"code": True, "name": True, "description": False, "objectives": True}
_OBJECTIVE_KEYS = {"code": True, "name": True, "description": False, "indicators": True}
_INDICATOR_KEYS = {
    "code": True,
    "name": True,
    "definition": True,
    "unit": True,
    "direction": True,
    "baseline": False,
    "targets": False,
    "computation": True,
    "thresholds": False,
    "note": False,
    "manual_values": False,
}
_POINT_KEYS = {"year": True, "value": True}
_BASELINE_KEYS = {"year": True, "value": False}
_MANUAL_KEYS = {"year": True, "value": True, "source": True, "note": False}
_THRESHOLD_KEYS = {
    "substantial": False,
    "moderate": False,
    "limited": False,
    "zero_substitute": False,
}


def _line_map(node, path: tuple = (), out: dict | None = None) -> dict:
    """Key path → 1-based line, from the composed YAML node tree."""
    out = {} if out is None else out
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = path + (key.value,)
            out[sub] = key.start_mark.line + 1
            _line_map(value, sub, out)
            out[sub] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _line_map(item, path + (i,), out)
    return out


class _Checker:
    def __init__(self, name: str, lines: dict):
        self.name = name
        self.lines = lines

    def fail(self, path: tuple, message: str):
        line = None
        probe = path
        while line is None and probe is not None:
            line = self.lines.get(probe)
            probe = probe[:-1] if probe else None
        where = self._path(path) or "(top level)"
        raise StrategyImportError(f"{self.name}:{line or 1}: {where}: {message}")

    @staticmethod
    def _path(path: tuple) -> str:
        out = ""
        for p in path:
            out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
        return out

    def mapping(self, value, path: tuple, keys: dict[str, bool]) -> dict:
        if not isinstance(value, dict):
            self.fail(path, f"expected a mapping, not {type(value).__name__}")
        for k in value:
            if k not in keys:
                self.fail(path + (k,), f"unknown key {k!r}: expected one of {', '.join(keys)}")
        for k, required in keys.items():
            if required and value.get(k) is None:
                self.fail(path, f"missing field {k!r}")
        return value

    def text(self, value, path: tuple, *, blank: bool = False, max_length: int = 300) -> str:
        if value is None and blank:
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.fail(path, f"expected text, not {value!r}")
        text = str(value).strip()
        if not text and not blank:
            self.fail(path, "must not be empty")
        if len(text) > max_length:
            self.fail(path, f"longer than {max_length} characters")
        return text

    def year(self, value, path: tuple) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2100:
            self.fail(path, f"expected a year (1900-2100), not {value!r}")
        return value

    def number(self, value, path: tuple) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(path, f"expected a number, not {value!r}")
        if not math.isfinite(value):
            self.fail(path, f"expected a finite number, not {value!r}")
        return float(value)

    def sequence(self, value, path: tuple, *, allow_empty: bool = True) -> list:
        if value is None:
            value = []
        if not isinstance(value, list):
            self.fail(path, f"expected a list, not {type(value).__name__}")
        if not value and not allow_empty:
            self.fail(path, "must not be empty")
        return value


def _parse(path: Path) -> dict:
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise StrategyImportError(f"{name}: cannot read: {exc.strerror or exc}") from None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise StrategyImportError(f"{name}:{line}: invalid YAML: {problem}") from None
    finally:
        loader.dispose()
    c = _Checker(name, _line_map(node) if node is not None else {})
    top = c.mapping(data, (), {"strategy": True, "goals": True})
    s = c.mapping(top["strategy"], ("strategy",), _STRATEGY_KEYS)
    strategy = {
        "code": c.text(s["code"], ("strategy", "code"), max_length=80),
        "name": c.text(s["name"], ("strategy", "name")),
        "period_start": c.year(s["period_start"], ("strategy", "period_start")),
        "period_end": c.year(s["period_end"], ("strategy", "period_end")),
        "source_url": c.text(
            s.get("source_url"), ("strategy", "source_url"), blank=True, max_length=500
        ),
    }
    if strategy["period_end"] < strategy["period_start"]:
        c.fail(("strategy", "period_end"), "is before period_start")

    from monitor.research.models import Source

    goals = []
    seen_goals: set[str] = set()
    seen_objectives: set[str] = set()
    seen_indicators: set[str] = set()
    for gi, g in enumerate(c.sequence(top["goals"], ("goals",), allow_empty=False)):
        gp = ("goals", gi)
        c.mapping(g, gp, _GOAL_KEYS)
        goal = {
            "code": c.text(g["code"], gp + ("code",), max_length=20),
            "name": c.text(g["name"], gp + ("name",)),
            "description": c.text(
                g.get("description"), gp + ("description",), blank=True, max_length=5000
            ),
            "order": gi,
            "objectives": [],
        }
        if goal["code"] in seen_goals:
            c.fail(gp + ("code",), f"duplicate goal code {goal['code']!r}")
        seen_goals.add(goal["code"])
        for oi, o in enumerate(c.sequence(g["objectives"], gp + ("objectives",))):
            op = gp + ("objectives", oi)
            c.mapping(o, op, _OBJECTIVE_KEYS)
            objective = {
                "code": c.text(o["code"], op + ("code",), max_length=20),
                "name": c.text(o["name"], op + ("name",)),
                "description": c.text(
                    o.get("description"), op + ("description",), blank=True, max_length=5000
                ),
                "indicators": [],
            }
            if objective["code"] in seen_objectives:
                c.fail(op + ("code",), f"duplicate objective code {objective['code']!r}")
            seen_objectives.add(objective["code"])
            for ii, ind in enumerate(c.sequence(o["indicators"], op + ("indicators",))):
                objective["indicators"].append(
                    _indicator(c, ind, op + ("indicators", ii), seen_indicators, Source)
                )
            goal["objectives"].append(objective)
        goals.append(goal)
    return {"strategy": strategy, "goals": goals}


def _indicator(c: _Checker, ind, ip: tuple, seen: set[str], Source) -> dict:
    c.mapping(ind, ip, _INDICATOR_KEYS)
    code = c.text(ind["code"], ip + ("code",), max_length=20)
    if code in seen:
        c.fail(ip + ("code",), f"duplicate indicator code {code!r}")
    seen.add(code)
    direction = ind["direction"]
    if direction not in Indicator.Direction.values:
        c.fail(ip + ("direction",), f"expected 'increase' or 'decrease', not {direction!r}")
    computation = c.text(ind["computation"], ip + ("computation",), max_length=80)
    if computation != computations.MANUAL and computation not in computations.REGISTRY:
        c.fail(
            ip + ("computation",),
            f"unknown computation {computation!r}: expected 'manual' or one of "
            f"{', '.join(sorted(computations.REGISTRY))}",
        )
    baseline_year = baseline_value = None
    if ind.get("baseline") is not None:
        bp = ip + ("baseline",)
        b = c.mapping(ind["baseline"], bp, _BASELINE_KEYS)
        baseline_year = c.year(b["year"], bp + ("year",))
        if b.get("value") is not None:
            baseline_value = c.number(b["value"], bp + ("value",))
    targets = []
    years: set[int] = set()
    for ti, t in enumerate(c.sequence(ind.get("targets"), ip + ("targets",))):
        tp = ip + ("targets", ti)
        c.mapping(t, tp, _POINT_KEYS)
        year = c.year(t["year"], tp + ("year",))
        if year in years:
            c.fail(tp + ("year",), f"duplicate target year {year}")
        years.add(year)
        targets.append({"year": year, "value": c.number(t["value"], tp + ("value",))})
    thresholds = None
    if ind.get("thresholds") is not None:
        tp = ip + ("thresholds",)
        raw = c.mapping(ind["thresholds"], tp, _THRESHOLD_KEYS)
        thresholds = {k: c.number(v, tp + (k,)) for k, v in raw.items()}
        try:
            Thresholds(**thresholds)
        except ValueError as exc:
            c.fail(tp, str(exc))
    manual = []
    years = set()
    for mi, m in enumerate(c.sequence(ind.get("manual_values"), ip + ("manual_values",))):
        mp = ip + ("manual_values", mi)
        c.mapping(m, mp, _MANUAL_KEYS)
        year = c.year(m["year"], mp + ("year",))
        if year in years:
            c.fail(mp + ("year",), f"duplicate manual value year {year}")
        years.add(year)
        key = c.text(m["source"], mp + ("source",), max_length=80)
        source = Source.objects.filter(key=key).first()
        if source is None:
            c.fail(mp + ("source",), f"unknown source {key!r}: expected a research Source key")
        manual.append(
            {
                "year": year,
                "value": c.number(m["value"], mp + ("value",)),
                "source": source,
                "note": c.text(m.get("note"), mp + ("note",), blank=True, max_length=5000),
            }
        )
    if manual and computation != computations.MANUAL:
        c.fail(ip + ("manual_values",), f"given for a computed indicator ({computation})")
    return {
        "code": code,
        "name": c.text(ind["name"], ip + ("name",)),
        "definition": c.text(ind["definition"], ip + ("definition",), max_length=5000),
        "unit": c.text(ind["unit"], ip + ("unit",), max_length=60),
        "direction": direction,
        "baseline_year": baseline_year,
        "baseline_value": baseline_value,
        "computation": computation,
        "thresholds": thresholds,
        "note": c.text(ind.get("note"), ip + ("note",), blank=True, max_length=5000),
        "targets": targets,
        "manual_values": manual,
    }


def strategy_import(path: Path | str) -> ImportReport:
    """Validate the YAML strategy file at `path`, then write it in one transaction."""
    data = _parse(Path(path))
    s = data["strategy"]
    counts = {"goals": 0, "objectives": 0, "indicators": 0}
    with transaction.atomic():
        strategy, _ = Strategy.objects.update_or_create(
            code=s["code"], defaults={k: v for k, v in s.items() if k != "code"}
        )
        strategy.goals.all().delete()
        for g in data["goals"]:
            goal = Goal.objects.create(
                strategy=strategy,
                code=g["code"],
                name=g["name"],
                description=g["description"],
                order=g["order"],
            )
            counts["goals"] += 1
            for o in g["objectives"]:
                objective = Objective.objects.create(
                    goal=goal, code=o["code"], name=o["name"], description=o["description"]
                )
                counts["objectives"] += 1
                for i in o["indicators"]:
                    fields = {k: v for k, v in i.items() if k not in ("targets", "manual_values")}
                    indicator = Indicator.objects.create(objective=objective, **fields)
                    counts["indicators"] += 1
                    Target.objects.bulk_create(
                        Target(indicator=indicator, **t) for t in i["targets"]
                    )
                    ManualValue.objects.bulk_create(
                        ManualValue(indicator=indicator, **m) for m in i["manual_values"]
                    )
    return ImportReport(strategy=strategy, **counts)


def strategy_default_load() -> ImportReport:
    """Load the bundled default strategy (ICBL-CMC 2017-2021). Idempotent."""
    return strategy_import(DEFAULT_STRATEGY)
