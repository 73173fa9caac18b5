from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "monitor.strategy"
    label = "strategy"
    verbose_name = "Strategy tracker"
