from django.db import models

from monitor.rules.treaties import EventKind


class Treaty(models.Model):
    """One of the instruments the Monitor tracks; constants live in monitor.rules.treaties."""

    code = models.SlugField(primary_key=True, max_length=10)
    name = models.CharField(max_length=300)
    short_name = models.CharField(max_length=80)
    untc_reference = models.CharField(max_length=20, blank=True)
    adopted_on = models.DateField(null=True, blank=True)
    trigger_date = models.DateField(
        help_text="Date the instrument that triggered entry into force was deposited."
    )
    general_eif = models.DateField(help_text="General entry into force.")
    position = models.PositiveSmallIntegerField(default=0)
    status_source = models.CharField(
        max_length=300,
        blank=True,
        help_text="Citation of the depositary record the events come from.",
    )
    status_url = models.URLField(max_length=500, blank=True)
    status_as_at = models.DateField(
        null=True, blank=True, help_text="Date of the depositary record."
    )

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.short_name


class TreatyEventQuerySet(models.QuerySet):
    def for_rules(self):
        return self.only("treaty_id", "country_id", "kind", "date").order_by("date", "id")


class TreatyEvent(models.Model):
    """A dated depositary action of one country under one treaty, with its source."""

    class Origin(models.TextChoices):
        UNTC = "untc", "UN Treaty Collection import"
        MANUAL = "manual", "Entered by an editor"

    treaty = models.ForeignKey(Treaty, on_delete=models.PROTECT, related_name="events")
    country = models.ForeignKey(
        "countries.Country", on_delete=models.PROTECT, related_name="treaty_events"
    )
    kind = models.CharField(max_length=30, choices=[(k.value, k.label) for k in EventKind])
    date = models.DateField()
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.MANUAL)
    source = models.CharField(
        max_length=300,
        help_text="Citation, e.g. 'United Nations Treaty Collection, status as at 2026-02-03'.",
    )
    source_url = models.URLField(max_length=500, blank=True)
    note = models.TextField(blank=True)

    objects = TreatyEventQuerySet.as_manager()

    class Meta:
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["treaty", "country", "kind", "date"], name="treaty_event_unique"
            ),
        ]
        indexes = [models.Index(fields=["treaty", "country"])]

    def __str__(self) -> str:
        return f"{self.country_id} {self.treaty_id} {self.kind} {self.date}"


class ObligationExtension(models.Model):
    """An extension of a time-bound deadline (MBT Art. 5, CCM Arts 3 and 4), stored as data."""

    class Status(models.TextChoices):
        GRANTED = "granted", "Granted"
        REQUESTED = "requested", "Requested"

    treaty = models.ForeignKey(Treaty, on_delete=models.PROTECT)
    country = models.ForeignKey("countries.Country", on_delete=models.PROTECT)
    kind = models.CharField(max_length=30, help_text="stockpile_destruction or clearance")
    new_deadline = models.DateField()
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.CharField(
        max_length=100, blank=True, help_text="Meeting that decided it, e.g. 17MSP."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.GRANTED)
    source = models.CharField(max_length=300)
    source_url = models.URLField(max_length=500, blank=True)
    cumulative = models.BooleanField(
        default=False,
        help_text=(
            "The current deadline after one or more extensions whose intermediate dates are "
            "not recorded"
        ),
    )
    extension_count = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="For a cumulative deadline: how many extensions led to it, if the source says.",
    )

    class Meta:
        ordering = ["new_deadline", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["treaty", "country", "kind", "new_deadline", "status"],
                name="obligation_extension_unique",
            ),
        ]


class ObligationFact(models.Model):
    """What is known about one obligation: completed, not applicable, or a depositary due date."""

    class Fact(models.TextChoices):
        COMPLETED = "completed", "Completed on"
        NOT_APPLICABLE = "not_applicable", "Does not apply"
        APPLIES = "applies", "Known to apply"
        DUE_DATE_OVERRIDE = "due_date_override", "Due date recorded by the depositary or ISU"

    treaty = models.ForeignKey(Treaty, on_delete=models.PROTECT)
    country = models.ForeignKey("countries.Country", on_delete=models.PROTECT)
    kind = models.CharField(max_length=30)
    fact = models.CharField(max_length=20, choices=Fact.choices)
    date = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=300)
    source_url = models.URLField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["treaty", "country", "kind", "fact"], name="obligation_fact_unique"
            ),
        ]
