from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "monitor.publishing"
    label = "publishing"
    verbose_name = "Publishing (PDF builds)"
