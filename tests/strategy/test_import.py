"""`strategy_import`: the shipped YAML loads, re-imports are idempotent, bad files are refused
with an error naming the file, line and key path, and nothing is written."""

import textwrap

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from monitor.strategy.models import Goal, Indicator, ManualValue, Objective, Strategy, Target
from monitor.strategy.services import (
    DEFAULT_STRATEGY,
    StrategyImportError,
    strategy_default_load,
    strategy_import,
)

GOOD = textwrap.dedent(
    """\
    strategy:
      code: test-strategy
      name: Test strategy
      period_start: 2017
      period_end: 2021
    goals:
      - code: I
        name: Goal one
        objectives:
          - code: 1a
            name: Objective one
            indicators:
              - code: 1a
                name: Indicator one
                definition: Counts something.
                unit: States
                direction: increase
                baseline: {year: 2016, value: 10}
                targets:
                  - {year: 2020, value: 130}
                computation: manual
              - code: 1a-bis
                name: Indicator two
                definition: Counts something else.
                unit: States
                direction: decrease
                computation: ccm_states_parties_end_of_year
    """
)


def snapshot():
    return (
        list(Strategy.objects.values_list("code", "name", "period_start", "period_end")),
        list(Goal.objects.values_list("code", "name", "order")),
        list(Objective.objects.values_list("code", "name")),
        list(
            Indicator.objects.values_list(
                "code", "direction", "baseline_year", "baseline_value", "computation", "note"
            )
        ),
        list(Target.objects.values_list("indicator__code", "year", "value")),
        list(ManualValue.objects.values_list("indicator__code", "year", "value")),
    )


def write(tmp_path, text, name="strategy.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_default_strategy_loads_and_reimport_is_idempotent(db):
    report = strategy_default_load()
    assert (report.goals, report.objectives) == (3, 8)
    codes = set(Indicator.objects.values_list("code", flat=True))
    assert {"1a", "1b", "2a", "2b", "2c", "3a", "3b", "3c"} <= codes
    ind = Indicator.objects.get(code="1a")
    assert ind.computation == "ccm_states_parties_end_of_year"
    assert list(ind.targets.values_list("year", "value")) == [(2020, 130.0)]
    first = snapshot()
    strategy_import(DEFAULT_STRATEGY)
    assert snapshot() == first
    assert Strategy.objects.count() == 1


def test_good_file(db, tmp_path):
    strategy_import(write(tmp_path, GOOD))
    ind = Indicator.objects.get(code="1a")
    assert (ind.baseline_year, ind.baseline_value, ind.direction) == (2016, 10.0, "increase")
    assert ind.objective.goal.strategy.code == "test-strategy"


def test_manual_values_need_a_known_source(db, tmp_path):
    from monitor.research.models import Source

    text = GOOD.replace(
        "            computation: manual\n",
        "            computation: manual\n"
        "            manual_values:\n"
        "              - {year: 2017, value: 12, source: src-a, note: from a report}\n",
    )
    with pytest.raises(StrategyImportError, match=r"unknown source 'src-a'"):
        strategy_import(write(tmp_path, text))
    Source.objects.create(key="src-a", title="A report")
    strategy_import(write(tmp_path, text))
    mv = ManualValue.objects.get()
    assert (mv.year, mv.value, mv.source.key, mv.note) == (2017, 12.0, "src-a", "from a report")


BAD = [
    pytest.param(
        ("            unit: States\n", "            unit: States\n            colour: red\n"),
        r"strategy\.yaml:17: goals\[0\]\.objectives\[0\]\.indicators\[0\]\.colour: "
        r"unknown key 'colour'",
        id="unknown-key",
    ),
    pytest.param(
        ("            unit: States\n", ""),
        r"strategy\.yaml:13: goals\[0\]\.objectives\[0\]\.indicators\[0\]: "
        r"missing field 'unit'",
        id="missing-field",
    ),
    pytest.param(
        ("direction: increase", "direction: up"),
        r"strategy\.yaml:17: goals\[0\]\.objectives\[0\]\.indicators\[0\]\.direction: "
        r"expected 'increase' or 'decrease', not 'up'",
        id="bad-direction",
    ),
    pytest.param(
        ("value: 130}", "value: lots}"),
        r"strategy\.yaml:20: goals\[0\]\.objectives\[0\]\.indicators\[0\]\.targets\[0\]"
        r"\.value: expected a number, not 'lots'",
        id="non-numeric-target",
    ),
    pytest.param(
        ("code: 1a-bis", "code: 1a"),
        r"strategy\.yaml:22: goals\[0\]\.objectives\[0\]\.indicators\[1\]\.code: "
        r"duplicate indicator code '1a'",
        id="duplicate-code",
    ),
    pytest.param(
        ("computation: ccm_states_parties_end_of_year", "computation: guesswork"),
        r"strategy\.yaml:27: goals\[0\]\.objectives\[0\]\.indicators\[1\]\.computation: "
        r"unknown computation 'guesswork'",
        id="unknown-computation",
    ),
    pytest.param(
        ("period_start: 2017", "period_start: soon"),
        r"strategy\.yaml:4: strategy\.period_start: expected a year",
        id="bad-year",
    ),
    pytest.param(
        ("name: Goal one", "name: [Goal"),
        r"strategy\.yaml:\d+: invalid YAML",
        id="invalid-yaml",
    ),
]


@pytest.mark.parametrize("edit,message", BAD)
def test_bad_file_names_the_place_and_writes_nothing(db, tmp_path, edit, message):
    old, new = edit
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))  # the first occurrence only
    with pytest.raises(StrategyImportError, match=message):
        strategy_import(path)
    assert Strategy.objects.count() == 0
    assert Indicator.objects.count() == 0


def test_bad_reimport_leaves_the_loaded_strategy_alone(db, tmp_path):
    strategy_import(write(tmp_path, GOOD))
    before = snapshot()
    with pytest.raises(StrategyImportError):
        strategy_import(write(tmp_path, GOOD.replace("direction: decrease", "direction: down")))
    assert snapshot() == before


def test_bad_thresholds_are_refused(db, tmp_path):
    text = GOOD.replace(
        "            computation: manual\n",
        "            computation: manual\n"
        "            thresholds: {substantial: 0.5, moderate: 0.9}\n",
    )
    with pytest.raises(StrategyImportError, match=r"indicators\[0\]\.thresholds: thresholds"):
        strategy_import(write(tmp_path, text))


def test_command_error_is_a_usage_error(db, tmp_path):
    path = write(tmp_path, GOOD.replace("direction: increase", "direction: up"))
    with pytest.raises(CommandError) as exc:
        call_command("import-strategy", str(path))
    assert exc.value.returncode == 2
    assert "direction" in str(exc.value)
    with pytest.raises(CommandError) as exc:
        call_command("import-strategy", str(tmp_path / "missing.yaml"))
    assert exc.value.returncode == 2
    assert "cannot read" in str(exc.value)
