from django.apps import AppConfig


class CountriesConfig(AppConfig):
    name = "monitor.countries"
    label = "countries"
    verbose_name = "Countries and other areas"
