from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "monitor.web"
    label = "web"
    verbose_name = "Public website"
