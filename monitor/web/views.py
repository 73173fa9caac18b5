"""Public pages. Each view parses its input, calls one read, and renders."""

from __future__ import annotations

import io
import re

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from monitor.countries.models import Country
from monitor.research.selectors import country_research, global_research
from monitor.research.template_files import template_csv, template_xlsx
from monitor.research.themes import THEMES
from monitor.treaties.selectors import country_summary, treaty_overview
from monitor.web.directory import country_directory
from monitor.web.params import BadParameter, parse_as_of

_ISO3 = re.compile(r"^[A-Za-z]{3}$")


def bad_request(request, message: str):
    return render(request, "400.html", {"message": message}, status=400)


def home(request):
    try:
        as_of = parse_as_of(request)
    except BadParameter as exc:
        return bad_request(request, str(exc))
    research = [(THEMES[name], figs) for name, figs in global_research().items() if figs]
    return render(
        request,
        "web/home.html",
        {
            "as_of": as_of,
            "overview": treaty_overview(as_of=as_of.date),
            "research": research,
            "themes": list(THEMES.values()),
        },
    )


def country_list(request):
    try:
        as_of = parse_as_of(request)
    except BadParameter as exc:
        return bad_request(request, str(exc))
    return render(
        request,
        "web/country_list.html",
        {"as_of": as_of, "regions": country_directory(as_of=as_of.date)},
    )


def country_detail(request, iso3: str):
    if not _ISO3.match(iso3):
        raise Http404("No country or area has this code.")
    if iso3 != iso3.upper():
        url = reverse("web:country-detail", kwargs={"iso3": iso3.upper()})
        query = request.META.get("QUERY_STRING", "")
        return redirect(f"{url}?{query}" if query else url, permanent=True)
    try:
        as_of = parse_as_of(request)
    except BadParameter as exc:
        return bad_request(request, str(exc))
    try:
        summary = country_summary(iso3=iso3, as_of=as_of.date)
    except Country.DoesNotExist:
        raise Http404(f"No country or area has the code {iso3}.") from None
    research = [(THEMES[name], figs) for name, figs in country_research(iso3=iso3).items()]
    return render(
        request,
        "web/country_detail.html",
        {"as_of": as_of, "summary": summary, "research": research},
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
