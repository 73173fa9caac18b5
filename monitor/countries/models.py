from django.db import models


class CountryQuerySet(models.QuerySet):
    def states(self):
        return self.filter(kind=Country.Kind.STATE)


class Country(models.Model):
    """A country (ISO 3166-1) or one of the "other areas" the Monitor profiles."""

    class Kind(models.TextChoices):
        STATE = "state", "ISO 3166-1 country"
        OTHER_AREA = "other_area", "Other area profiled by the Monitor"

    iso3 = models.CharField(
        primary_key=True,
        max_length=3,
        help_text="ISO 3166-1 alpha-3, or a stable project code in the user-assigned X range.",
    )
    iso2 = models.CharField(max_length=2, blank=True)
    numeric = models.CharField(max_length=3, blank=True, help_text="ISO 3166-1 numeric / UN M49.")
    name = models.CharField(max_length=100)
    official_name = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.STATE)
    region = models.CharField(max_length=40, blank=True)
    region_code = models.CharField(max_length=3, blank=True, help_text="UN M49 region code.")
    subregion = models.CharField(max_length=60, blank=True)
    subregion_code = models.CharField(max_length=3, blank=True, help_text="UN M49 sub-region code.")
    note = models.CharField(max_length=300, blank=True)

    objects = CountryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "countries"

    def __str__(self) -> str:
        return f"{self.name} ({self.iso3})"
