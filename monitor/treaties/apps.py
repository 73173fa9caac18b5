from django.apps import AppConfig


class TreatiesConfig(AppConfig):
    name = "monitor.treaties"
    label = "treaties"
    verbose_name = "Treaties, events and obligations"
