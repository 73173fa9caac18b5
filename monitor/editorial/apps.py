from django.apps import AppConfig


class EditorialConfig(AppConfig):
    name = "monitor.editorial"
    label = "editorial"
    verbose_name = "Editorial workflow"
