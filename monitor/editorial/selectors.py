"""Reads of the editorial back office: dashboards, the review queue, diffs and audit rows.

Every page that shows a proposal gets it from `proposal_get_for_user`, which applies the same
visibility rule as the services (`can_view_proposal`) and answers 404 when the user may not
see it, so a draft's existence is never revealed. Lists are fetched with a fixed number of
queries (one per theme, not one per country and theme).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Prefetch, Q
from django.http import Http404

from monitor.audit.models import AuditEntry
from monitor.countries.models import Country
from monitor.editorial import narrative as nar
from monitor.editorial.diff import FieldChange, fields_diff, text_diff_html
from monitor.editorial.models import Assignment, NarrativeSection, Proposal
from monitor.editorial.roles import ROLE_GROUPS, Role, role_of
from monitor.editorial.services import (
    NEW_SOURCE_KEY,
    PROPOSABLE_THEMES,
    can_view_proposal,
    narrative_render,
    record_cells,
)
from monitor.editorial.workflow import ACTIONS, Action, State
from monitor.research.models import Edition, Source
from monitor.research.selectors import PROFILE_THEMES
from monitor.research.themes import THEMES, Theme

#: The order proposals are grouped in on the dashboard.
STATE_ORDER = (
    State.DRAFT,
    State.CHANGES_REQUESTED,
    State.SUBMITTED,
    State.APPROVED,
    State.PUBLISHED,
    State.REJECTED,
)


def state_label(state: str) -> str:
    return state.replace("_", " ").capitalize()


# --- editions ---------------------------------------------------------------------------


def open_editions():
    """Editions that still take changes, newest first."""
    return Edition.objects.filter(frozen_at__isnull=True).order_by(
        F("report_year").desc(nulls_last=True),
        F("publication_date").desc(nulls_last=True),
        "-id",
    )


def open_edition_get(name: str) -> Edition:
    edition = open_editions().filter(name=" ".join((name or "").split())).first()
    if edition is None:
        raise Http404("No open edition has this name.")
    return edition


# --- proposals ---------------------------------------------------------------------------


def proposal_get_for_user(user, pk: int) -> Proposal:
    """The proposal if `user` may see it; 404 otherwise (a draft's existence stays secret)."""
    proposal = (
        Proposal.objects.select_related("author", "country", "edition", "decided_by")
        .filter(pk=pk)
        .first()
    )
    if proposal is None or not can_view_proposal(user, proposal):
        raise Http404("No such proposal.")
    return proposal


def proposal_actions(user, proposal: Proposal) -> frozenset[str]:
    """The workflow actions `user` may take on `proposal` now (what the page offers)."""
    is_author = proposal.author_id == user.pk
    is_editor = role_of(user) >= Role.EDITOR
    allowed = set()
    for action in (
        Action.EDIT,
        Action.SUBMIT,
        Action.WITHDRAW,
        Action.REQUEST_CHANGES,
        Action.APPROVE,
        Action.REJECT,
    ):
        states, _, who = ACTIONS[action]
        if State(proposal.state) not in states:
            continue
        if (who == "author" and is_author) or (who == "editor" and is_editor and not is_author):
            allowed.add(action.value)
    if is_author or is_editor:
        allowed.add("comment")
    return frozenset(allowed)


def proposals_by_state(user) -> list[tuple[str, list[Proposal]]]:
    """The user's own proposals grouped by state (workflow order), newest first in each."""
    groups: dict[str, list[Proposal]] = defaultdict(list)
    for p in Proposal.objects.filter(author=user).select_related("country", "edition"):
        groups[p.state].append(p)
    return [(state_label(s.value), groups[s.value]) for s in STATE_ORDER if groups.get(s.value)]


def queue():
    """Submitted proposals, oldest submission first."""
    return (
        Proposal.objects.filter(state=State.SUBMITTED)
        .select_related("author", "country", "edition")
        .order_by("submitted_at", "id")
    )


def queue_counts() -> list[dict]:
    """Submitted proposals per country: [{"country_id", "country__name", "n"}]."""
    return list(
        Proposal.objects.filter(state=State.SUBMITTED)
        .values("country_id", "country__name")
        .annotate(n=Count("id"))
        .order_by("country__name")
    )


EVENT_LABELS = {
    "created": "created the draft",
    "edit": "edited it",
    "submit": "submitted it for review",
    "withdraw": "withdrew it (back to draft)",
    "comment": "commented",
    "request_changes": "requested changes",
    "approve": "approved it",
    "publish": "published it",
    "reject": "rejected it",
}


def proposal_events(proposal: Proposal) -> list[tuple[object, str]]:
    """The proposal's history, oldest first, with what each step was in words."""
    return [
        (event, EVENT_LABELS.get(event.action, event.action))
        for event in proposal.events.select_related("actor")
    ]


# --- what a proposal changes ----------------------------------------------------------------


def column_label(theme: Theme, name: str) -> str:
    try:
        verbose = str(theme.model._meta.get_field(name).verbose_name)
    except Exception:  # a column that is not a model field
        verbose = name.replace("_", " ")
    return verbose[:1].upper() + verbose[1:]


def _current_record(proposal: Proposal):
    """The record a figure proposal changes: its target, else one with the same natural key."""
    from monitor.research.imports import row_values

    spec = THEMES[proposal.theme]
    model = spec.model
    if proposal.target_id is not None:
        return (
            model.objects.select_related("country", "source").filter(pk=proposal.target_id).first()
        )
    cells = {k: v for k, v in (proposal.payload or {}).items() if k in spec.column_names}
    cells["country"] = proposal.country_id
    key = (cells.get("source") or "").strip()
    if not key or key == NEW_SOURCE_KEY:
        return None  # a source not stored yet: no stored record can share the key
    data, problems = row_values(
        spec,
        cells,
        countries={proposal.country_id: proposal.country},
        sources=Source.objects.in_bulk([key], field_name="key"),
    )
    if any(column in spec.key for column, _ in problems):
        return None
    lookup = {k: data.get(k) for k in spec.key}
    for name, value in list(lookup.items()):
        # Empty cells are stored as record_upsert stores them: the default, or "".
        model_field = model._meta.get_field(name)
        if value is None and not model_field.null:
            lookup[name] = model_field.get_default() if model_field.has_default() else ""
    return (
        model.objects.select_related("country", "source")
        .filter(edition=proposal.edition, **lookup)
        .first()
    )


def proposed_cells(proposal: Proposal) -> dict[str, str]:
    """The figure's cells as they will be written (the source named, a correction preferred)."""
    spec = THEMES[proposal.theme]
    cells = {k: v for k, v in (proposal.payload or {}).items() if k in spec.column_names}
    cells["country"] = proposal.country_id
    source = (cells.get("source") or "").strip()
    if proposal.new_source and source in ("", NEW_SOURCE_KEY):
        cells["source"] = f"new source: {proposal.new_source.get('title', '')}"
    if proposal.target_id is not None:
        cells["preferred"] = "yes"
        cells["preferred_reason"] = f"Correction (proposal #{proposal.pk})"
    return cells


@dataclass(frozen=True)
class FigureDiff:
    rows: list[FieldChange]
    current_record: object | None

    @property
    def changed(self) -> int:
        return sum(1 for r in self.rows if r.changed)

    @property
    def shown(self) -> list[FieldChange]:
        """The rows worth reading: fields empty on both sides are left out."""
        return [r for r in self.rows if r.current or r.proposed]

    @property
    def hidden(self) -> int:
        return len(self.rows) - len(self.shown)


def figure_diff(proposal: Proposal) -> FigureDiff:
    spec = THEMES[proposal.theme]
    current = _current_record(proposal)
    labels = {c.name: column_label(spec, c.name) for c in spec.columns}
    current_cells = record_cells(proposal.theme, current) if current is not None else None
    return FigureDiff(fields_diff(current_cells, proposed_cells(proposal), labels), current)


@dataclass(frozen=True)
class NarrativeDiff:
    current: NarrativeSection | None
    diff_html: str  # escaped by diff.text_diff_html
    rendered_html: str  # sanitised by nh3 (narrative.render)
    unknown_keys: list[str]


def _new_source_probe(proposal: Proposal) -> Source | None:
    if not proposal.new_source:
        return None
    data = proposal.new_source
    return Source(
        key=NEW_SOURCE_KEY,
        title=data.get("title", ""),
        url=data.get("url", ""),
        publisher=data.get("publisher", ""),
        publication_date=data.get("publication_date", ""),
    )


def narrative_diff(proposal: Proposal) -> NarrativeDiff:
    current = NarrativeSection.objects.filter(
        country=proposal.country, edition=proposal.edition, section=proposal.section
    ).first()
    sources = Source.objects.in_bulk(nar.cited_keys(proposal.body), field_name="key")
    probe = _new_source_probe(proposal)
    if probe is not None:
        sources[NEW_SOURCE_KEY] = probe
    rendered = narrative_render(proposal.body, sources)
    return NarrativeDiff(
        current=current,
        diff_html=text_diff_html(current.body if current else "", proposal.body),
        rendered_html=rendered.html,
        unknown_keys=rendered.unknown_keys,
    )


@dataclass(frozen=True)
class CitedSource:
    key: str
    source: Source | None  # None: a key that is not stored (or the proposal's new source)
    new: dict = field(default_factory=dict)


def proposal_sources(proposal: Proposal) -> list[CitedSource]:
    """The sources the proposal cites, stored ones first as cited, then its new source."""
    if proposal.kind == Proposal.Kind.RECORD:
        keys = [(proposal.payload or {}).get("source", "").strip()]
    else:
        keys = nar.cited_keys(proposal.body)
    keys = [k for k in keys if k and k != NEW_SOURCE_KEY]
    stored = Source.objects.in_bulk(keys, field_name="key")
    cited = [CitedSource(k, stored.get(k)) for k in keys]
    if proposal.new_source:
        cited.append(CitedSource(NEW_SOURCE_KEY, None, dict(proposal.new_source)))
    return cited


def current_narrative(country_id: str, edition: Edition | None, section: str):
    if edition is None:
        return None
    return NarrativeSection.objects.filter(
        country_id=country_id, edition=edition, section=section
    ).first()


def country_source_keys(iso3: str) -> list[Source]:
    """Sources the country's records and published sections cite (one query)."""
    cited = Q(
        pk__in=NarrativeSection.sources.through.objects.filter(
            narrativesection__country_id=iso3
        ).values("source_id")
    )
    for name in PROPOSABLE_THEMES:
        model = THEMES[name].model
        cited |= Q(pk__in=model.objects.filter(country_id=iso3).values("source_id"))
    return list(Source.objects.filter(cited).order_by("key"))


# --- dashboard -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordRef:
    id: int
    label: str


@dataclass(frozen=True)
class ThemeCheck:
    name: str
    label: str
    records: tuple[RecordRef, ...]

    @property
    def done(self) -> bool:
        return bool(self.records)


@dataclass(frozen=True)
class SectionCheck:
    name: str
    label: str
    done: bool


@dataclass(frozen=True)
class CountryChecklist:
    country: Country
    themes: tuple[ThemeCheck, ...]
    sections: tuple[SectionCheck, ...]
    writes_sections: bool  # sections span every theme: only a whole-country assignment

    @property
    def missing(self) -> int:
        return sum(1 for t in self.themes if not t.done) + sum(
            1 for s in self.sections if not s.done
        )


def dashboard_scope(user) -> dict[str, frozenset[str] | None]:
    """Countries the dashboard covers: iso3 -> themes (None: every theme).

    A researcher's assigned countries; for editors, every country that has proposals.
    """
    role = role_of(user)
    if role >= Role.EDITOR:
        isos = Proposal.objects.order_by().values_list("country_id", flat=True).distinct()
        return dict.fromkeys(sorted(isos))
    if role != Role.RESEARCHER:
        return {}
    scope: dict[str, set[str] | None] = {}
    for iso3, theme in Assignment.objects.filter(user=user).values_list("country_id", "theme"):
        if not theme or scope.get(iso3, set()) is None:
            scope[iso3] = None
        else:
            scope.setdefault(iso3, set()).add(theme)  # type: ignore[union-attr]
    return {k: (frozenset(v) if v is not None else None) for k, v in sorted(scope.items())}


def _record_label(spec: Theme, row: dict, choices: dict[str, dict]) -> str:
    parts = [str(row["data_year"])]
    for name in spec.key:
        if name in ("country", "data_year", "source") or row.get(name) in ("", None):
            continue
        parts.append(str(choices.get(name, {}).get(row[name], row[name])))
    parts.append(f"source {row['source__key']}")
    return ", ".join(parts)


def completeness(
    scope: dict[str, frozenset[str] | None], edition: Edition
) -> list[CountryChecklist]:
    """Per country, per theme: the edition's records; per narrative section: whether written.

    One query for the countries, one per theme and one for the sections.
    """
    isos = list(scope)
    if not isos:
        return []
    countries = list(Country.objects.filter(iso3__in=isos).order_by("name"))
    wanted = set(PROFILE_THEMES)
    for themes in scope.values():
        wanted |= set(themes or ())
    theme_names = [t for t in PROFILE_THEMES] + sorted(wanted - set(PROFILE_THEMES))
    records: dict[tuple[str, str], list[RecordRef]] = defaultdict(list)
    for name in theme_names:
        spec = THEMES[name]
        key_fields = [k for k in spec.key if k not in ("country", "data_year", "source")]
        choices = {
            k: dict(spec.model._meta.get_field(k).choices or ())
            for k in key_fields
            if spec.model._meta.get_field(k).choices
        }
        rows = (
            spec.model.objects.filter(edition=edition, country_id__in=isos)
            .order_by("-data_year", "id")
            .values("id", "country_id", "data_year", "source__key", *key_fields)
        )
        for row in rows:
            records[(row["country_id"], name)].append(
                RecordRef(row["id"], _record_label(spec, row, choices))
            )
    written = set(
        NarrativeSection.objects.filter(edition=edition, country_id__in=isos).values_list(
            "country_id", "section"
        )
    )
    out = []
    for country in countries:
        themes = scope[country.iso3]
        names = [n for n in theme_names if (n in PROFILE_THEMES if themes is None else n in themes)]
        out.append(
            CountryChecklist(
                country=country,
                themes=tuple(
                    ThemeCheck(n, THEMES[n].label, tuple(records.get((country.iso3, n), ())))
                    for n in names
                ),
                sections=tuple(
                    SectionCheck(key, label, (country.iso3, key) in written)
                    for key, label in nar.SECTIONS
                ),
                writes_sections=themes is None,
            )
        )
    return out


# --- team ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    user: object
    role: str
    assignments: list[Assignment]


def team() -> list[Member]:
    """Every account with its role and assignments (three queries)."""
    User = get_user_model()
    users = User.objects.order_by("username").prefetch_related(
        "groups",
        Prefetch(
            "assignments",
            queryset=Assignment.objects.select_related("country").order_by("country_id", "theme"),
        ),
    )
    members = []
    for user in users:
        names = {g.name for g in user.groups.all()}
        role = max((ROLE_GROUPS[n] for n in names if n in ROLE_GROUPS), default=Role.NONE)
        if user.is_superuser:
            role = Role.ADMINISTRATOR
        members.append(
            Member(user, role.group if role != Role.NONE else "", list(user.assignments.all()))
        )
    return members


def researchers_for_select() -> list[tuple[int, str]]:
    User = get_user_model()
    return list(
        User.objects.filter(groups__name=Role.RESEARCHER.group, is_active=True)
        .order_by("username")
        .values_list("pk", "username")
        .distinct()
    )


def countries_for_select() -> list[tuple[str, str]]:
    return [(c.iso3, f"{c.name} ({c.iso3})") for c in Country.objects.order_by("name")]


# --- audit ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditRow:
    entry: AuditEntry
    changes: list[tuple[str, object, object]]  # (key, before, after), changed keys only


def _changes(before: dict | None, after: dict | None) -> list[tuple[str, object, object]]:
    before, after = before or {}, after or {}
    keys = list(after) + [k for k in before if k not in after]
    return [
        (k, before.get(k), after.get(k))
        for k in keys
        if before.get(k) != after.get(k) and not (k not in before and after.get(k) in ("", None))
    ]


def audit_rows(entries) -> list[AuditRow]:
    return [AuditRow(e, _changes(e.before, e.after)) for e in entries]
