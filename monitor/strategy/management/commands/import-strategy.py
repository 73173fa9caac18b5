from pathlib import Path

from monitor.commands import MonitorCommand, UsageError
from monitor.strategy.services import StrategyImportError, strategy_import


class Command(MonitorCommand):
    help = (
        "Load a strategy (goals, objectives, indicators, targets, manual values) from a YAML "
        "file. Everything is validated before anything is written; re-importing a file "
        "replaces the strategy's contents with the file's."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the strategy YAML file")

    def handle(self, *args, file, **options):
        try:
            report = strategy_import(file)
        except StrategyImportError as exc:
            raise UsageError(str(exc)) from None
        self.stdout.write(
            f"{report.strategy.code}: {report.goals} goals, {report.objectives} objectives, "
            f"{report.indicators} indicators"
        )
