from django.contrib import admin

from monitor.strategy.models import Goal, Indicator, ManualValue, Objective, Strategy, Target


class GoalInline(admin.TabularInline):
    model = Goal
    extra = 0


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


class ManualValueInline(admin.TabularInline):
    model = ManualValue
    extra = 0
    raw_id_fields = ["source"]


@admin.register(Strategy)
class StrategyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "period_start", "period_end"]
    inlines = [GoalInline]


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "strategy", "order"]
    list_filter = ["strategy"]


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "goal"]
    list_filter = ["goal__strategy"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit", "direction", "computation", "objective"]
    list_filter = ["objective__goal__strategy", "computation"]
    search_fields = ["code", "name"]
    inlines = [TargetInline, ManualValueInline]
