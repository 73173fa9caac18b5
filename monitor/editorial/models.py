"""Editorial workflow: assignments, proposals and their history, narrative sections,
reader subscriptions and API tokens. Roles are Django groups (see roles.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from monitor.editorial.narrative import SECTIONS
from monitor.editorial.workflow import State


class Assignment(models.Model):
    """A researcher may propose changes for this country (and theme; empty: every theme)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    country = models.ForeignKey("countries.Country", on_delete=models.CASCADE, related_name="+")
    theme = models.CharField(max_length=40, blank=True, help_text="Empty: every theme.")

    class Meta:
        ordering = ["country_id", "theme"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "country", "theme"], name="editorial_assignment_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.country_id} {self.theme or 'all themes'}"


class Proposal(models.Model):
    class Kind(models.TextChoices):
        RECORD = "record", "Figure"
        NARRATIVE = "narrative", "Narrative section"

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposals"
    )
    country = models.ForeignKey("countries.Country", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    edition = models.ForeignKey("research.Edition", on_delete=models.PROTECT, related_name="+")
    # A figure: the theme, the record corrected (if any) and the proposed row as text cells.
    theme = models.CharField(max_length=40, blank=True)
    target_id = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The record this corrects; empty for a new record."
    )
    payload = models.JSONField(default=dict, blank=True)
    # A narrative section.
    section = models.CharField(max_length=40, choices=SECTIONS, blank=True)
    body = models.TextField(blank=True, help_text="Markdown; cite sources as [@source-key].")
    # A source that does not exist yet: {"title", "url", "publisher", "publication_date", "quote"}.
    new_source = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True, help_text="Why this change: shown to the editor.")
    state = models.CharField(
        max_length=20,
        choices=[(s.value, s.value.replace("_", " ").capitalize()) for s in State],
        default=State.DRAFT.value,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    applied_id = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The record or narrative section written on approval."
    )

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["state", "submitted_at"])]

    def __str__(self) -> str:
        return f"Proposal #{self.pk} ({self.country_id}, {self.subject})"

    @property
    def subject(self) -> str:
        if self.kind == self.Kind.NARRATIVE:
            return dict(SECTIONS).get(self.section, self.section)
        from monitor.research.themes import THEMES

        theme = THEMES.get(self.theme)
        return theme.label if theme else self.theme


class ProposalEvent(models.Model):
    """A step in a proposal's history: a state change or a comment. Never edited."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=20)  # created, edit, submit, comment, approve, ...
    state = models.CharField(max_length=20, help_text="The proposal's state after this step.")
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]


class NarrativeSection(models.Model):
    """A published section of a country profile for an edition (Markdown and its HTML)."""

    country = models.ForeignKey("countries.Country", on_delete=models.PROTECT, related_name="+")
    edition = models.ForeignKey("research.Edition", on_delete=models.PROTECT, related_name="+")
    section = models.CharField(max_length=40, choices=SECTIONS)
    body = models.TextField()
    html = models.TextField(help_text="Sanitised rendering of body, with footnotes.")
    sources = models.ManyToManyField("research.Source", related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    proposal = models.ForeignKey(
        Proposal, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["country_id", "section"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "edition", "section"], name="editorial_narrative_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.country_id} {self.get_section_display()} ({self.edition})"


class Subscription(models.Model):
    """A reader's request for e-mail about updates to a country profile (double opt-in)."""

    email = models.EmailField()
    country = models.ForeignKey("countries.Country", on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64, unique=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["email", "country"], name="editorial_subscription_unique"
            )
        ]


class ApiToken(models.Model):
    """A personal token for the write API; only its SHA-256 is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, help_text="First characters, to recognise it.")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
