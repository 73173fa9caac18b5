"""The research database: cited thematic records per country and data year, by edition.

Every record names its edition and its source. A figure revised in a later edition is a new
record in that edition; older editions' records are never overwritten. Where sources
disagree, every value is kept and one may be marked preferred, with the reason.
A record with no country is a global figure (written "WLD" in files).
"""

from __future__ import annotations

from django.db import models

#: The two weapons whose production and transfer the treaties ban.
BANNED_WEAPONS = [("ap_mines", "Antipersonnel mines"), ("cluster_munitions", "Cluster munitions")]


class Source(models.Model):
    """A document a figure was taken from; reusable across records."""

    key = models.SlugField(
        max_length=80,
        unique=True,
        help_text="Stable short name used in import files, e.g. lm2023-impact.",
    )
    title = models.CharField(max_length=300)
    publisher = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=500, blank=True)
    publication_date = models.CharField(
        max_length=10,
        blank=True,
        help_text="YYYY, YYYY-MM or YYYY-MM-DD, as precise as the source is.",
    )
    accessed_date = models.DateField(null=True, blank=True)
    page = models.CharField(max_length=100, blank=True)
    quote = models.TextField(blank=True, help_text="Shortest passage showing the figure.")

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def citation(self) -> str:
        parts = [self.title]
        if self.publisher:
            parts.append(self.publisher)
        if self.publication_date:
            parts.append(self.publication_date)
        return ", ".join(parts)


class Edition(models.Model):
    """A report edition, e.g. "Landmine Monitor 2024", covering one calendar data year."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    name = models.CharField(max_length=120, unique=True)
    report_year = models.PositiveSmallIntegerField(null=True, blank=True)
    data_year = models.PositiveSmallIntegerField(null=True, blank=True)
    publication_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    frozen_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set by `monitor edition freeze`: from then on its figures never change; "
        "corrections become errata.",
    )

    class Meta:
        ordering = ["report_year", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def frozen(self) -> bool:
        return self.frozen_at is not None


class Erratum(models.Model):
    """A correction to a figure of a frozen edition.

    The frozen record stays as published; the corrected figure is a record of a later
    (open) edition, and this row links the two with the reason.
    """

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="errata")
    theme = models.CharField(max_length=40)
    original_id = models.PositiveBigIntegerField(help_text="The frozen edition's record.")
    corrected_id = models.PositiveBigIntegerField(help_text="The corrected record.")
    corrected_edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="+")
    country = models.ForeignKey(
        "countries.Country", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField()
    proposal_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "errata"

    def __str__(self) -> str:
        return f"Erratum to {self.edition}: {self.theme} #{self.original_id}"


class Record(models.Model):
    """Fields every thematic record carries."""

    class Confidence(models.TextChoices):
        HIGH = "H", "High: Monitor, ISU or primary text"
        MEDIUM = "M", "Medium: secondary source"
        LOW = "L", "Low: ambiguous extraction"

    country = models.ForeignKey(
        "countries.Country",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for a global figure.",
    )
    data_year = models.PositiveSmallIntegerField(help_text="Calendar year the figure describes.")
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="+")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    quote = models.TextField(
        blank=True, help_text="Passage showing this figure, if not the source's."
    )
    confidence = models.CharField(max_length=1, choices=Confidence.choices, blank=True)
    preferred = models.BooleanField(
        default=False, help_text="Chosen value where sources or editions disagree."
    )
    preferred_reason = models.CharField(max_length=300, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class Contamination(Record):
    class DeviceClass(models.TextChoices):
        ANTIPERSONNEL_MINES = "antipersonnel_mines", "Antipersonnel mines"
        IMPROVISED_MINES = "improvised_mines", "Improvised mines"
        ANTIVEHICLE_MINES = "antivehicle_mines", "Antivehicle mines"
        CLUSTER_MUNITION_REMNANTS = "cluster_munition_remnants", "Cluster munition remnants"
        OTHER_ERW = "other_erw", "Other explosive remnants of war"

    class Quality(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed hazardous area"
        SUSPECTED = "suspected", "Suspected hazardous area"
        UNSPECIFIED = "unspecified", "Not specified by the source"

    device_class = models.CharField(max_length=30, choices=DeviceClass.choices)
    area_km2 = models.DecimalField(max_digits=12, decimal_places=2)
    estimate_quality = models.CharField(
        max_length=12, choices=Quality.choices, default=Quality.UNSPECIFIED
    )
    as_of_date = models.CharField(
        max_length=10, blank=True, help_text="YYYY, YYYY-MM or YYYY-MM-DD"
    )


class LandRelease(Record):
    class Hazard(models.TextChoices):
        MINES = "mines", "Mined areas"
        CMR = "cmr", "Cluster munition remnants"
        BATTLE_AREA = "battle_area", "Battle area (other ERW)"
        ALL = "all", "All hazards / not specified"

    hazard = models.CharField(max_length=12, choices=Hazard.choices, default=Hazard.MINES)
    cancelled_km2 = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    reduced_km2 = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    cleared_km2 = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    released_km2 = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Cancelled + reduced + cleared (checked when all three are given).",
    )
    ap_mines_destroyed = models.PositiveIntegerField(null=True, blank=True)
    av_mines_destroyed = models.PositiveIntegerField(null=True, blank=True)
    submunitions_destroyed = models.PositiveIntegerField(null=True, blank=True)
    other_erw_destroyed = models.PositiveIntegerField(null=True, blank=True)
    improvised_destroyed = models.PositiveIntegerField(null=True, blank=True)


class Stockpile(Record):
    treaty = models.CharField(
        max_length=4,
        choices=[("mbt", "Mine Ban Treaty"), ("ccm", "Convention on Cluster Munitions")],
    )
    held = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="Stockpiled mines or munitions."
    )
    destroyed = models.PositiveBigIntegerField(null=True, blank=True)
    destruction_completed_on = models.CharField(
        max_length=10, blank=True, help_text="YYYY, YYYY-MM or YYYY-MM-DD"
    )
    retained = models.PositiveBigIntegerField(
        null=True,
        blank=True,
        help_text="Retained for training and development (MBT Art. 3, CCM Art. 3(6)).",
    )


class CasualtyAggregate(Record):
    """Casualties in one country-year, disaggregated as in the Monitor's tables (DOMAIN 5.3-5.4).

    Every disaggregation is optional; where one is complete its parts sum to the total.
    """

    class Scope(models.TextChoices):
        MINES_ERW = "mines_erw", "Mines, IEDs and explosive remnants of war (Landmine Monitor)"
        CLUSTER_MUNITIONS = "cluster_munitions", "Cluster munitions (Cluster Munition Monitor)"

    scope = models.CharField(max_length=20, choices=Scope.choices, default=Scope.MINES_ERW)
    total = models.PositiveIntegerField(null=True, blank=True)
    killed = models.PositiveIntegerField(null=True, blank=True)
    injured = models.PositiveIntegerField(null=True, blank=True)
    outcome_unknown = models.PositiveIntegerField(null=True, blank=True)
    civilian = models.PositiveIntegerField(null=True, blank=True)
    military = models.PositiveIntegerField(null=True, blank=True)
    deminer = models.PositiveIntegerField(null=True, blank=True)
    status_unknown = models.PositiveIntegerField(null=True, blank=True)
    child = models.PositiveIntegerField(null=True, blank=True)
    adult = models.PositiveIntegerField(null=True, blank=True)
    age_unknown = models.PositiveIntegerField(null=True, blank=True)
    female = models.PositiveIntegerField(null=True, blank=True)
    male = models.PositiveIntegerField(null=True, blank=True)
    sex_unknown = models.PositiveIntegerField(null=True, blank=True)
    ap_mine = models.PositiveIntegerField(
        null=True, blank=True, help_text="Factory-made antipersonnel mines"
    )
    improvised_mine = models.PositiveIntegerField(null=True, blank=True)
    av_mine = models.PositiveIntegerField(null=True, blank=True)
    unspecified_mine = models.PositiveIntegerField(null=True, blank=True)
    cmr = models.PositiveIntegerField(null=True, blank=True, help_text="Unexploded submunitions")
    other_erw = models.PositiveIntegerField(null=True, blank=True)
    device_unknown = models.PositiveIntegerField(null=True, blank=True)


class CasualtyRecord(Record):
    """One person killed or injured; aggregates into per-country-year figures."""

    record_id = models.CharField(max_length=60, help_text="Identifier in the source data set.")
    incident_date = models.DateField(null=True, blank=True)
    place = models.CharField(max_length=200, blank=True)
    outcome = models.CharField(
        max_length=8, choices=[("killed", "Killed"), ("injured", "Injured"), ("unknown", "Unknown")]
    )
    age_group = models.CharField(
        max_length=8,
        choices=[("child", "Child (under 18)"), ("adult", "Adult"), ("unknown", "Unknown")],
    )
    sex = models.CharField(
        max_length=8, choices=[("female", "Female"), ("male", "Male"), ("unknown", "Unknown")]
    )
    civilian_status = models.CharField(
        max_length=9,
        choices=[
            ("civilian", "Civilian"),
            ("military", "Military"),
            ("deminer", "Deminer"),
            ("unknown", "Unknown"),
        ],
    )
    device = models.CharField(
        max_length=16,
        choices=[
            ("ap_mine", "Factory-made antipersonnel mine"),
            ("improvised_mine", "Improvised mine"),
            ("av_mine", "Antivehicle mine"),
            ("unspecified_mine", "Unspecified mine"),
            ("cmr", "Cluster munition remnant"),
            ("other_erw", "Other ERW"),
            ("unknown", "Unknown"),
        ],
    )

    class Meta:
        indexes = [models.Index(fields=["country", "data_year"])]


class UseIncident(Record):
    date = models.CharField(max_length=10, blank=True, help_text="YYYY, YYYY-MM or YYYY-MM-DD")
    place = models.CharField(max_length=200, blank=True)
    actor_type = models.CharField(
        max_length=10,
        choices=[
            ("state", "State forces"),
            ("non_state", "Non-state armed group"),
            ("unknown", "Unknown"),
        ],
    )
    weapon = models.CharField(
        max_length=20,
        choices=[
            ("ap_mines", "Antipersonnel mines"),
            ("improvised_mines", "Improvised mines"),
            ("cluster_munitions", "Cluster munitions"),
        ],
    )
    confirmation = models.CharField(
        max_length=10, choices=[("confirmed", "Confirmed"), ("alleged", "Allegation")]
    )


class ProductionStatus(Record):
    weapon = models.CharField(
        max_length=20,
        choices=BANNED_WEAPONS,
    )
    status = models.CharField(
        max_length=12,
        choices=[
            ("producer", "Producer"),
            ("former", "Former producer"),
            ("never", "Never produced"),
            ("unknown", "Unknown"),
        ],
    )


class TransferStatus(Record):
    weapon = models.CharField(
        max_length=20,
        choices=BANNED_WEAPONS,
    )
    status = models.CharField(
        max_length=12,
        choices=[
            ("exporter", "Exporter"),
            ("importer", "Importer"),
            ("moratorium", "Export moratorium or ban"),
            ("none", "No transfers recorded"),
            ("unknown", "Unknown"),
        ],
    )


class VictimAssistance(Record):
    focal_point = models.CharField(
        max_length=200, blank=True, help_text="Government focal point, if any."
    )
    national_plan = models.CharField(
        max_length=8,
        choices=[("yes", "Yes"), ("no", "No"), ("draft", "In draft"), ("unknown", "Unknown")],
        default="unknown",
    )
    crpd_status = models.CharField(
        max_length=12,
        choices=[
            ("party", "State Party to the CRPD"),
            ("signatory", "Signatory"),
            ("not_party", "Not party"),
            ("unknown", "Unknown"),
        ],
        default="unknown",
    )
    services = models.TextField(blank=True)


class SupportFigure(Record):
    """Support for mine action in US dollars (DOMAIN 5.6); donor and recipient may be "all"."""

    class Kind(models.TextChoices):
        INTERNATIONAL = "international", "International support"
        NATIONAL = "national", "National support"
        TOTAL = "total", "Total support (international + national)"

    donor = models.CharField(max_length=120, blank=True, help_text="Empty: all donors.")
    kind = models.CharField(max_length=14, choices=Kind.choices)
    thematic_area = models.CharField(max_length=60, blank=True, help_text="Empty: all areas.")
    amount_usd = models.DecimalField(max_digits=16, decimal_places=2)


class CasualtyRollup(models.Model):
    """Casualty counts per (edition, source, country, data year), derived from CasualtyRecord.

    Never edited by hand: the rows of an (edition, source) are deleted and recomputed from
    its CasualtyRecord rows by `aggregates.casualty_rollup_refresh`, which the loaders call
    in the same transaction as the records they write. Fields as in CasualtyAggregate's
    breakdowns; every breakdown sums to `total`. A null country is a global figure.
    """

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="+")
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="+")
    country = models.ForeignKey(
        "countries.Country", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    data_year = models.PositiveSmallIntegerField()
    total = models.PositiveIntegerField()
    killed = models.PositiveIntegerField()
    injured = models.PositiveIntegerField()
    outcome_unknown = models.PositiveIntegerField()
    civilian = models.PositiveIntegerField()
    military = models.PositiveIntegerField()
    deminer = models.PositiveIntegerField()
    status_unknown = models.PositiveIntegerField()
    child = models.PositiveIntegerField()
    adult = models.PositiveIntegerField()
    age_unknown = models.PositiveIntegerField()
    female = models.PositiveIntegerField()
    male = models.PositiveIntegerField()
    sex_unknown = models.PositiveIntegerField()
    ap_mine = models.PositiveIntegerField()
    improvised_mine = models.PositiveIntegerField()
    av_mine = models.PositiveIntegerField()
    unspecified_mine = models.PositiveIntegerField()
    cmr = models.PositiveIntegerField()
    other_erw = models.PositiveIntegerField()
    device_unknown = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "source", "country", "data_year"],
                name="research_casualtyrollup_unique",
            ),
            # NULLs are distinct in a unique constraint: global rows need their own.
            models.UniqueConstraint(
                fields=["edition", "source", "data_year"],
                condition=models.Q(country__isnull=True),
                name="research_casualtyrollup_unique_global",
            ),
        ]
