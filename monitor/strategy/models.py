"""A strategy as data: goals, objectives, indicators with targets and their computation."""

from django.db import models


class Strategy(models.Model):
    code = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=300)
    period_start = models.PositiveSmallIntegerField()
    period_end = models.PositiveSmallIntegerField()
    source_url = models.URLField(max_length=500, blank=True)

    class Meta:
        ordering = ["-period_start", "code"]
        verbose_name_plural = "strategies"

    def __str__(self) -> str:
        return self.name


class Goal(models.Model):
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="goals")
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["strategy", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "code"], name="strategy_goal_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class Objective(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="objectives")
    code = models.CharField(max_length=20, help_text='e.g. "1a"')
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["goal", "code"]
        constraints = [
            models.UniqueConstraint(fields=["goal", "code"], name="strategy_objective_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code}) {self.name}"


class Indicator(models.Model):
    class Direction(models.TextChoices):
        INCREASE = "increase", "Increase"
        DECREASE = "decrease", "Decrease"

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=300)
    definition = models.TextField()
    unit = models.CharField(max_length=60)
    direction = models.CharField(max_length=8, choices=Direction.choices)
    baseline_year = models.PositiveSmallIntegerField(null=True, blank=True)
    baseline_value = models.FloatField(
        null=True, blank=True, help_text="Empty: taken from the series for the baseline year."
    )
    computation = models.CharField(
        max_length=80,
        help_text='Name of a registered query (monitor.strategy.computations) or "manual".',
    )
    thresholds = models.JSONField(
        null=True,
        blank=True,
        help_text="Overrides of the progress thresholds: substantial, moderate, limited, "
        "zero_substitute.",
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["objective", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["objective", "code"], name="strategy_indicator_code_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.name}"


class Target(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField()
    value = models.FloatField()

    class Meta:
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="strategy_target_unique")
        ]


class ManualValue(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="manual_values")
    year = models.PositiveSmallIntegerField()
    value = models.FloatField()
    source = models.ForeignKey("research.Source", on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year"], name="strategy_manualvalue_unique"
            )
        ]
