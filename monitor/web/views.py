"""Public pages. Each view parses its input, calls one read, and renders."""

from __future__ import annotations

import io
import re
from functools import wraps

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from monitor.countries.models import Country
from monitor.editorial import services as editorial
from monitor.editorial.selectors_public import (
    country_errata,
    country_profile,
    errata_by_record,
    subscription_by_token,
)
from monitor.graphics.charts import Series as ChartSeries
from monitor.graphics.charts import line_chart_svg
from monitor.research.selectors import (
    OVERVIEW_THEMES,
    UnknownEdition,
    country_research_view,
    global_research,
    headline_figures,
    theme_overview,
)
from monitor.research.template_files import template_csv, template_xlsx
from monitor.research.themes import THEMES
from monitor.rules.obligations import Kind as ObKind
from monitor.rules.obligations import ObligationStatus as ObStatus
from monitor.rules.treaties import TREATIES
from monitor.treaties.models import Treaty
from monitor.treaties.selectors import (
    country_summary,
    deadline_regions,
    obligations_all,
    treaty_overview,
    treaty_page,
)
from monitor.web.directory import country_directory
from monitor.web.maplayers import render_layer
from monitor.web.params import BadParameter, parse_as_of
from monitor.web.templatetags.monitor_web import field_label

_ISO3 = re.compile(r"^[A-Za-z]{3}$")


def bad_request(request, message: str):
    return render(request, "400.html", {"message": message}, status=400)


def bad_parameter_is_400(view):
    """A BadParameter raised by the view (e.g. from `parse_as_of`) becomes the 400 page."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except BadParameter as exc:
            return bad_request(request, str(exc))

    return wrapped


@bad_parameter_is_400
def home(request):
    as_of = parse_as_of(request)
    research = [(THEMES[name], figs) for name, figs in global_research().items() if figs]
    return render(
        request,
        "web/home.html",
        {
            "as_of": as_of,
            "overview": treaty_overview(as_of=as_of.date),
            "headlines": headline_figures(),
            "maps": [(TREATIES[code], _treaty_map(code, as_of.date)) for code in ("mbt", "ccm")],
            "research": research,
            "themes": list(THEMES.values()),
        },
    )


@bad_parameter_is_400
def country_list(request):
    as_of = parse_as_of(request)
    return render(
        request,
        "web/country_list.html",
        {"as_of": as_of, "regions": country_directory(as_of=as_of.date)},
    )


@bad_parameter_is_400
def country_detail(request, iso3: str):
    if not _ISO3.match(iso3):
        raise Http404("No country or area has this code.")
    if iso3 != iso3.upper():
        url = reverse("web:country-detail", kwargs={"iso3": iso3.upper()})
        query = request.META.get("QUERY_STRING", "")
        return redirect(f"{url}?{query}" if query else url, permanent=True)
    as_of = parse_as_of(request)
    try:
        summary = country_summary(iso3=iso3, as_of=as_of.date)
    except Country.DoesNotExist:
        raise Http404(f"No country or area has the code {iso3}.") from None
    edition = request.GET.get("edition", "").strip()
    try:
        research = country_research_view(iso3=summary.country.iso3, edition=edition or None)
    except UnknownEdition:
        return bad_request(
            request,
            gettext("No edition called “%(name)s” has figures for %(country)s.")
            % {"name": edition[:80], "country": summary.country.name},
        )
    charts = [
        (
            theme,
            _line_chart(
                list(series),
                title=gettext("%(theme)s in %(country)s by year")
                % {"theme": theme.label, "country": summary.country.name},
                description=gettext(
                    "Figures as cited, by data year; the table beside the chart gives each "
                    "value with its source."
                ),
                y_label=", ".join(dict.fromkeys(field_label(s.field) for s in series)),
            ),
            _series_table(list(series)),
        )
        for theme, series in research.series
    ]
    status_dates = [v.treaty.status_as_at for v in summary.treaties if v.treaty.status_as_at]
    errata = country_errata(iso3=summary.country.iso3)
    return render(
        request,
        "web/country_detail.html",
        {
            "as_of": as_of,
            "summary": summary,
            "research": research.themes,
            "research_view": research,
            "charts": charts,
            "status_date": max(status_dates) if status_dates else None,
            "profile": country_profile(iso3=summary.country.iso3),
            "errata": errata,
            "errata_index": errata_by_record(errata),
        },
    )


# --- Subscriptions to a country profile (double opt-in; never cached) -----------------------


_EMAIL_MAX = 254


@never_cache
@require_http_methods(["GET", "POST"])
def country_subscribe(request, iso3: str):
    """GET: the form alone; POST: ask for a confirmation e-mail, then "check your inbox"."""
    country = Country.objects.filter(iso3=iso3.upper()).first() if _ISO3.match(iso3) else None
    if country is None:
        raise Http404(f"No country or area has the code {iso3}.")
    context = {"country": country, "email": ""}
    if request.method == "GET":
        return render(request, "web/subscribe.html", context)
    email = request.POST.get("email", "").strip()
    context["email"] = email[:_EMAIL_MAX]
    # Longer than Subscription.email can store (validate_email alone allows 320 characters).
    valid = len(email) <= _EMAIL_MAX
    if valid:
        try:
            editorial.subscription_request(email=email, country=country.iso3)
        except editorial.EditorialError:
            valid = False
    if not valid:
        # The service's messages are English; the public site says it in the reader's language.
        context["error"] = gettext("Enter a valid e-mail address, for example name@example.org.")
        return render(request, "web/subscribe.html", context, status=400)
    return render(request, "web/subscribe_sent.html", context)


_INVALID_LINK = "This link is not valid: the subscription may have been cancelled."
#: What secrets.token_urlsafe makes; anything else cannot be a subscription's token.
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def _subscription_or_404(token: str):
    subscription = subscription_by_token(token) if _TOKEN.match(token) else None
    if subscription is None:
        raise Http404(_INVALID_LINK)
    return subscription


@never_cache
@require_http_methods(["GET"])
def subscription_confirm(request, token: str):
    """The link in the confirmation e-mail (standard double opt-in: a GET confirms)."""
    subscription = editorial.subscription_confirm(token=token) if _TOKEN.match(token) else None
    if subscription is None:
        raise Http404(_INVALID_LINK)
    return render(request, "web/subscription_confirmed.html", {"subscription": subscription})


@never_cache
@require_http_methods(["GET", "POST"])
def subscription_cancel(request, token: str):
    """GET asks for confirmation (a link preview must not unsubscribe); POST cancels."""
    subscription = _subscription_or_404(token)
    if request.method == "GET":
        return render(request, "web/subscription_cancel.html", {"subscription": subscription})
    editorial.subscription_cancel(token=token)
    return render(
        request,
        "web/subscription_cancel.html",
        {"subscription": subscription, "cancelled": True},
    )


def import_template(request, theme: str, ext: str):
    """The empty import file of a research theme, as `monitor template` writes it."""
    if theme not in THEMES or ext not in ("csv", "xlsx"):
        raise Http404("No such import template.")
    if ext == "csv":
        response = HttpResponse(template_csv(THEMES[theme]), content_type="text/csv; charset=utf-8")
    else:
        buffer = io.BytesIO()
        template_xlsx(THEMES[theme], buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="monitor-{theme}-template.{ext}"'
    return response


# --- Treaty pages, deadlines, thematic overviews ---------------------------------------------

#: Themes with an overview page (/themes/<theme>/), in this order.
OVERVIEW_THEME_NAMES = tuple(OVERVIEW_THEMES)


def _series_name(series) -> str:
    field = field_label(series.field)
    return f"{series.label}: {field}" if series.label else field


def _series_table(series_list) -> dict:
    """Rows of a chart's data table: one per year, one cell per series (or None)."""
    years = sorted({p[0] for s in series_list for p in s.points})
    lookup = [{p[0]: p for p in s.points} for s in series_list]
    return {
        "columns": [_series_name(s) for s in series_list],
        "rows": [(year, [by_year.get(year) for by_year in lookup]) for year in years],
    }


def _line_chart(series_list, *, title: str, description: str, y_label: str):
    """SVG line chart of research series (None without at least one line)."""
    if not series_list:
        return None
    svg = line_chart_svg(
        [ChartSeries(_series_name(s), {p[0]: float(p[1]) for p in s.points}) for s in series_list],
        title=title,
        description=description,
        x_label=gettext("Data year"),
        y_label=y_label,
    )
    return mark_safe(svg)  # noqa: S308 - built by monitor.graphics, which escapes every text


def _treaty_map(code: str, as_of):
    return mark_safe(render_layer("treaty-status", treaty=code, as_of=as_of))  # noqa: S308


@bad_parameter_is_400
def treaty_index(request):
    as_of = parse_as_of(request)
    return render(
        request,
        "web/treaty_index.html",
        {"as_of": as_of, "overview": treaty_overview(as_of=as_of.date)},
    )


@bad_parameter_is_400
def treaty_detail(request, code: str):
    if code not in TREATIES:
        raise Http404(gettext("No treaty has this code."))
    as_of = parse_as_of(request)
    try:
        page = treaty_page(treaty=code, as_of=as_of.date)
    except Treaty.DoesNotExist:
        raise Http404(gettext("This treaty has not been loaded.")) from None
    rules = page.rules
    chart = _membership_chart(page)
    return render(
        request,
        "web/treaty_detail.html",
        {
            "as_of": as_of,
            "page": page,
            "rules": rules,
            "chart": chart,
            "treaty_map": _treaty_map(code, as_of.date),
        },
    )


def _membership_chart(page):
    points = page.membership
    if not points:
        return None
    svg = line_chart_svg(
        [
            ChartSeries(
                gettext("States Parties (deposit of instrument)"),
                {p["year"]: p["deposit"] for p in points},
            ),
            ChartSeries(
                gettext("In force for the State"), {p["year"]: p["in_force"] for p in points}
            ),
        ],
        title=gettext("Membership of the %(treaty)s over time") % {"treaty": page.rules.short_name},
        description=gettext(
            "Number of States Parties at the end of each year from %(start)s to %(end)s, counted "
            "by deposit of instrument and by entry into force; the table below gives the numbers."
        )
        % {"start": points[0]["year"], "end": points[-1]["year"]},
        x_label=gettext("Year"),
        y_label=gettext("States Parties"),
    )
    return mark_safe(svg)  # noqa: S308 - built by monitor.graphics, which escapes every text


@bad_parameter_is_400
def deadlines(request):
    as_of = parse_as_of(request)
    treaty = request.GET.get("treaty", "").strip()
    kind = request.GET.get("kind", "").strip()
    region = request.GET.get("region", "").strip()
    treaty_choices = [t for t in TREATIES.values() if t.has_obligations]
    if treaty and treaty not in {t.code for t in treaty_choices}:
        return bad_request(
            request,
            gettext("There is no treaty with time-bound obligations called “%s”.") % treaty[:40],
        )
    if kind and kind not in {k.value for k in ObKind}:
        return bad_request(request, gettext("There is no obligation called “%s”.") % kind[:40])
    regions = deadline_regions()
    if region and region not in regions:
        return bad_request(request, gettext("There is no region called “%s”.") % region[:40])
    rows = obligations_all(
        as_of=as_of.date, treaty=treaty or None, kind=kind or None, region=region or None
    )
    open_rows = [r for r in rows if r.obligation.status is not ObStatus.UNKNOWN]
    unknown_rows = [r for r in rows if r.obligation.status is ObStatus.UNKNOWN]
    return render(
        request,
        "web/deadlines.html",
        {
            "as_of": as_of,
            "rows": open_rows,
            "overdue_count": sum(1 for r in open_rows if r.obligation.status is ObStatus.OVERDUE),
            "unknown_rows": unknown_rows,
            "treaty_choices": treaty_choices,
            "kind_choices": list(ObKind),
            "regions": regions,
            "selected": {"treaty": treaty, "kind": kind, "region": region},
        },
    )


def theme_index(request):
    return render(
        request,
        "web/theme_index.html",
        {"themes": [THEMES[name] for name in OVERVIEW_THEME_NAMES]},
    )


def theme_detail(request, theme: str):
    if theme not in OVERVIEW_THEMES:
        raise Http404(gettext("No thematic overview has this name."))
    overview = theme_overview(theme)
    series = list(overview.global_series)
    chart = _line_chart(
        series,
        title=gettext("%(theme)s: global figures by year") % {"theme": overview.theme.label},
        description=gettext(
            "Global figures as cited by the Monitor, by data year; the table below gives each "
            "value with its source."
        ),
        y_label=", ".join(dict.fromkeys(field_label(s.field) for s in series)),
    )
    return render(
        request,
        "web/theme_detail.html",
        {
            "overview": overview,
            "theme": overview.theme,
            "chart": chart,
            "chart_table": _series_table(series),
            "value_fields": OVERVIEW_THEMES[theme]["values"],
        },
    )
