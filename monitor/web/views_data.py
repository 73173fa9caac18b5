"""Search page and open data downloads. Each view parses its input, calls one read, and renders.

Downloads are made on request from the research database with the writers of
`monitor.research.exports`, so they are always the data the site shows.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from monitor.countries.models import Country
from monitor.research import exports
from monitor.research.models import Source
from monitor.research.themes import THEMES, Theme
from monitor.search.indexers import kind_label
from monitor.search.selectors import MAX_QUERY_LENGTH, SearchQueryError, search

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "hxl.csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}
#: Per-theme download formats: file extension -> exports format.
THEME_FORMATS = {"csv": "csv", "xlsx": "xlsx", "json": "json", "hxl.csv": "hxl"}
COUNTRY_FORMATS = ("csv", "xlsx", "json")
PACKAGE_FILE = "monitor-datapackage.zip"
_ISO3 = re.compile(r"^[A-Za-z]{3}$")


def _attachment(content: bytes | str, ext: str, stem: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[ext])
    filename = f"monitor-{stem}-{timezone.localdate().isoformat()}.{ext}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --------------------------------------------------------------------------------------------
# Search


def search_page(request):
    query = request.GET.get("q", "")
    context = {"query": query.strip(), "max_length": MAX_QUERY_LENGTH, "groups": [], "count": 0}
    if len(query) > MAX_QUERY_LENGTH:
        context["error"] = (
            f"A search can be at most {MAX_QUERY_LENGTH} characters long; this one has "
            f"{len(query)}."
        )
        context["query"] = query[:MAX_QUERY_LENGTH]
        return render(request, "web/search.html", context, status=400)
    if context["query"]:
        try:
            hits = search(query=context["query"], limit=100)
        except SearchQueryError as exc:  # pragma: no cover - length is checked above
            context["error"] = str(exc)
            return render(request, "web/search.html", context, status=400)
        groups: dict[str, list] = {}
        for hit in hits:
            groups.setdefault(hit.kind, []).append(hit)
        context["groups"] = [
            {"kind": kind, "label": kind_label(kind), "hits": items}
            for kind, items in groups.items()
        ]
        context["count"] = len(hits)
    return render(request, "web/search.html", context)


# --------------------------------------------------------------------------------------------
# Downloads page and the data package


def downloads(request):
    themes = []
    for theme in THEMES.values():
        themes.append(
            {
                "theme": theme,
                "count": theme.model.objects.count(),
                "files": [
                    (ext, reverse("data:theme-download", kwargs={"theme": theme.name, "fmt": ext}))
                    for ext in THEME_FORMATS
                ],
                "templates": [
                    (ext, reverse("web:import-template", kwargs={"theme": theme.name, "ext": ext}))
                    for ext in ("csv", "xlsx")
                ],
            }
        )
    return render(
        request,
        "web/downloads.html",
        {
            "themes": themes,
            "license": exports.PACKAGE_LICENSES[0],
            "package_title": exports.PACKAGE_TITLE,
            "package_description": exports.PACKAGE_DESCRIPTION,
            "country_formats": COUNTRY_FORMATS,
        },
    )


def datapackage_zip_bytes() -> bytes:
    """The Frictionless Data Package of `datapackage_export`, zipped in memory."""
    with tempfile.TemporaryDirectory() as tmp:
        exports.datapackage_export(tmp)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(Path(tmp).iterdir()):
                zf.write(path, arcname=path.name)
    return buffer.getvalue()


def datapackage_download(request):
    return _attachment(datapackage_zip_bytes(), "zip", "datapackage")


# --------------------------------------------------------------------------------------------
# One theme


def theme_download(request, theme: str, fmt: str):
    if theme not in THEMES or fmt not in THEME_FORMATS:
        raise Http404("No such data file.")
    export_format = THEME_FORMATS[fmt]
    if export_format == "xlsx":
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"{theme}.xlsx"
            exports.theme_export("xlsx", theme, path)
            content: bytes | str = path.read_bytes()
    else:
        out = io.StringIO()
        exports.theme_export(export_format, theme, out)
        content = out.getvalue()
    return _attachment(content, fmt, theme.replace("_", "-"))


# --------------------------------------------------------------------------------------------
# One country, every theme


def _sources_by_key(keys: set[str]) -> dict[str, tuple[str, str]]:
    return {
        key: (title, url)
        for key, title, url in Source.objects.filter(key__in=keys).values_list(
            "key", "title", "url"
        )
    }


def _country_tables(iso3: str) -> list[tuple[Theme, list[dict]]]:
    """(theme, rows) for every edition-bound theme, rows as `exports.theme_rows` gives them."""
    return [
        (theme, exports.theme_rows(theme.name, country=iso3))
        for theme in THEMES.values()
        if theme.edition_bound
    ]


def _country_csv(tables) -> str:
    columns: list[str] = ["theme"]
    for theme, _rows in tables:
        for name in exports.export_columns(theme):
            if name not in columns:
                columns.append(name)
            if name == "source" and "source_title" not in columns:
                columns += ["source_title", "source_url"]
    sources = _sources_by_key({row["source"] for _, rows in tables for row in rows})
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, restval="")
    writer.writeheader()
    for theme, rows in tables:
        for row in rows:
            title, url = sources.get(row["source"], ("", ""))
            writer.writerow({"theme": theme.name, **row, "source_title": title, "source_url": url})
    return out.getvalue()


def _country_json(tables) -> str:
    records = []
    for theme, rows in tables:
        for record in exports._json_records(theme, rows):
            records.append({"theme": theme.name, **record})
    out = io.StringIO()
    exports.write_json(records, out)
    return out.getvalue()


def _country_xlsx(iso3: str, tables) -> bytes:
    """One sheet per theme (typed cells, as `exports.write_xlsx`), then the cited sources."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    sheets = [*tables, (THEMES["sources"], exports.theme_rows("sources", country=iso3))]
    for theme, rows in sheets:
        columns = exports.export_columns(theme)
        sheet = book.create_sheet(theme.name[:31])
        sheet.append(columns)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        kinds = {name: exports.column_type(theme, name) for name in columns}
        for r, row in enumerate(rows, start=2):
            for c, name in enumerate(columns, start=1):
                text = row[name]
                if text == "":
                    continue
                if kinds[name] in ("integer", "year"):
                    sheet.cell(r, c, int(text))
                elif kinds[name] == "number":
                    sheet.cell(r, c, float(Decimal(text))).number_format = "0.00"
                else:
                    sheet.cell(r, c, text).data_type = "s"  # never a formula
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def country_download(request, iso3: str, fmt: str):
    if not _ISO3.match(iso3) or fmt not in COUNTRY_FORMATS:
        raise Http404("No such data file.")
    if iso3 != iso3.upper():
        return redirect(
            reverse("data:country-download", kwargs={"iso3": iso3.upper(), "fmt": fmt}),
            permanent=True,
        )
    if not Country.objects.filter(iso3=iso3).exists():
        raise Http404(f"No country or area has the code {iso3}.")
    tables = _country_tables(iso3)
    if fmt == "csv":
        content: bytes | str = _country_csv(tables)
    elif fmt == "json":
        content = _country_json(tables)
    else:
        content = _country_xlsx(iso3, tables)
    return _attachment(content, fmt, iso3)
