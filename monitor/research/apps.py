from django.apps import AppConfig


class ResearchConfig(AppConfig):
    name = "monitor.research"
    label = "research"
    verbose_name = "Research database"
