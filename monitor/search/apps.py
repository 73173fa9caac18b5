from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "monitor.search"
    label = "search"
    verbose_name = "Search"
