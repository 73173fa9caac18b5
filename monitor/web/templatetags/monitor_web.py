"""Template helpers for the public pages: dates that are readable and machine-readable."""

from __future__ import annotations

from datetime import date

from django import template
from django.utils.dateformat import format as date_format
from django.utils.formats import get_format, number_format
from django.utils.html import format_html
from django.utils.translation import get_language, gettext

register = template.Library()


# English keeps the day-month-year order the site has always used ("1 March 1999"); other
# languages use Django's DATE_FORMAT ("1 mars 1999", "1 de marzo de 1999").
_LONG_DATE_FORMATS = {"en": "j F Y"}


@register.filter
def long_date(value: date | None) -> str:
    """1 March 1999, in the active language."""
    if not value:
        return ""
    language = (get_language() or "en").split("-")[0]
    return date_format(value, _LONG_DATE_FORMATS.get(language) or get_format("DATE_FORMAT"))


@register.filter
def time_tag(value: date | None) -> str:
    """<time datetime="1999-03-01">1 March 1999</time>; empty for no date."""
    if not value:
        return ""
    return format_html('<time datetime="{}">{}</time>', value.isoformat(), long_date(value))


@register.filter
def css_token(value: object) -> str:
    """An enum value as a CSS class fragment: "n/a" -> "n-a", "state_party" -> "state-party"."""
    return "".join(c if c.isalnum() else "-" for c in str(getattr(value, "value", value)))


@register.filter
def status_dates(overview) -> list[date]:
    """Distinct "status as at" dates of the depositary records behind a treaty overview."""
    return sorted({row["treaty"].status_as_at for row in overview if row["treaty"].status_as_at})


@register.filter
def figure_value(value: object) -> str:
    """Numbers grouped in the active language (4,710 / 4 710; 497.34 / 497,34); other
    values as they are."""
    from decimal import Decimal

    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, int):
        return number_format(value, force_grouping=True)
    if isinstance(value, Decimal):
        places = 2 if value != value.to_integral() else 0
        return number_format(value, decimal_pos=places, force_grouping=True)
    return str(getattr(value, "label", value))


@register.filter
def field_label(name: str) -> str:
    """A column name as a heading: "cleared_km2" -> "Cleared (km²)"."""
    label = name.replace("_km2", " (km²)").replace("_usd", " (US$)").replace("_", " ")
    return label[:1].upper() + label[1:]


@register.filter
def figure_errata(figure, index) -> list:
    """Errata (`selectors_public.ErratumNote`) touching a figure's records: the headline or
    another edition's value. `index` is `errata_by_record(...)`; empty when not given."""
    if not index:
        return []
    notes: dict[tuple, object] = {}
    for value in (figure.headline, *figure.others):
        for note in index.get(f"{figure.theme.name}:{value.record.pk}", ()):
            notes.setdefault((note.original_id, note.corrected_id), note)
    return list(notes.values())
