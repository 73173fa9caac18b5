"""The public site in English, French and Spanish: complete catalogs, translated pages,
dates and numbers in the reader's language."""

from __future__ import annotations

import ast
import gettext
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils import translation

from monitor.web.templatetags.monitor_web import figure_value, long_date, time_tag

LOCALE = Path(__file__).resolve().parents[2] / "monitor" / "locale"
LANGUAGES = ("fr", "es")
STATUS_DATE = "2026-02-03"


# --- catalogs ---------------------------------------------------------------------------


def _po_entries(path: Path) -> list[dict]:
    """Entries of a .po file: msgctxt, msgid, msgid_plural, msgstr (list) and flags."""
    entries: list[dict] = []
    entry: dict = {}
    field = None

    def finish():
        nonlocal entry
        if "msgid" in entry:
            entries.append(entry)
        entry = {}

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            field = None
            continue
        if line.startswith("#,"):
            if "msgid" in entry:
                finish()
            entry.setdefault("flags", set()).update(f.strip() for f in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            value = ast.literal_eval(line)
            if field == "msgstr":
                entry["msgstr"][-1] += value
            else:
                entry[field] += value
            continue
        keyword, _, rest = line.partition(" ")
        if keyword == "msgctxt" and "msgid" in entry:
            finish()
        value = ast.literal_eval(rest)
        if keyword.startswith("msgstr"):
            entry.setdefault("msgstr", []).append(value)
            field = "msgstr"
        else:
            entry[keyword] = value
            field = keyword
    finish()
    return [e for e in entries if e["msgid"]]  # the header has an empty msgid


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_translates_every_message(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    entries = _po_entries(po)
    assert len(entries) > 50, f"{po} looks empty"
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e.get("flags", ())]
    assert not fuzzy, f"fuzzy entries in {po}: {fuzzy}"
    missing = [e["msgid"] for e in entries if not all(s.strip() for s in e.get("msgstr", []))]
    assert not missing, f"untranslated in {po}: {missing}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalog_matches_po(language):
    """The committed .mo is compilemessages' output of the .po (no stale binary)."""
    folder = LOCALE / language / "LC_MESSAGES"
    with open(folder / "django.mo", "rb") as fh:
        catalog = gettext.GNUTranslations(fh)._catalog
    for entry in _po_entries(folder / "django.po"):
        key = (
            entry["msgid"] if "msgctxt" not in entry else f"{entry['msgctxt']}\x04{entry['msgid']}"
        )
        if "msgid_plural" in entry:
            for n, text in enumerate(entry["msgstr"]):
                assert catalog.get((key, n)) == text, f"{language}: {key!r}[{n}] not compiled"
        else:
            assert catalog.get(key) == entry["msgstr"][0], f"{language}: {key!r} not compiled"


# --- filters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "language, expected",
    [("en", "1 March 1999"), ("fr", "1 mars 1999"), ("es", "1 de marzo de 1999")],
)
def test_long_date_in_each_language(language, expected):
    with translation.override(language):
        assert long_date(date(1999, 3, 1)) == expected
        assert time_tag(date(1999, 3, 1)) == f'<time datetime="1999-03-01">{expected}</time>'


@pytest.mark.parametrize(
    "language, integer, decimal, whole, yes",
    [
        ("en", "4,710", "497.34", "1,200", "yes"),
        # Django's French and Spanish formats group with a no-break space (CLDR, RAE).
        ("fr", "4\xa0710", "497,34", "1\xa0200", "oui"),
        ("es", "4\xa0710", "497,34", "1\xa0200", "sí"),
    ],
)
def test_figure_value_in_each_language(language, integer, decimal, whole, yes):
    with translation.override(language):
        assert figure_value(4710) == integer
        assert figure_value(Decimal("497.34")) == decimal
        assert figure_value(Decimal("1200.00")) == whole
        assert figure_value(True) == yes


# --- pages --------------------------------------------------------------------------------

PAGES = [
    "/",
    "/countries/",
    "/countries/AFG/",
    "/treaties/mbt/",
    "/deadlines/",
    "/themes/casualties/",
    "/search/?q=afg",
    "/data/",
]
# Words of the site's own interface, in each language (the navigation and the switcher).
INTERFACE = {
    "en": ("Countries", "Language", "Skip to main content"),
    "fr": ("Pays", "Langue", "Aller au contenu principal"),
    "es": ("Países", "Idioma", "Saltar al contenido principal"),
}


def _existing(path: str) -> bool:
    try:
        resolve(path.split("?")[0])
    except Resolver404:
        return False
    return True


@pytest.fixture
def page_client(client, seeded):
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr", "es"])
@pytest.mark.parametrize("path", PAGES)
def test_every_page_in_every_language(page_client, path, language):
    if not _existing(path):
        pytest.skip(f"{path} is not a page of this site yet")
    page_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = page_client.get(path)
    assert response.status_code == 200, path
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert response["Content-Language"] == language
    for text in INTERFACE[language]:
        assert text in html, f"{text!r} missing from {path} in {language}"
    if language != "en":
        assert "Skip to main content" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "language, accession, status",
    [
        ("en", "11 September 2002", "State Party"),
        ("fr", "11 septembre 2002", "État partie"),
        ("es", "11 de septiembre de 2002", "Estado parte"),
    ],
)
def test_country_page_dates_and_status_are_localised(page_client, language, accession, status):
    page_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = page_client.get("/countries/AFG/", {"as_of": STATUS_DATE}).content.decode()
    assert f'<time datetime="2002-09-11">{accession}</time>' in html
    assert status in html


@pytest.mark.django_db
def test_accept_language_is_honoured_and_cookie_wins(page_client):
    html = page_client.get("/countries/", HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9").content.decode()
    assert '<html lang="es">' in html and "Países y otras zonas" in html
    page_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    html = page_client.get("/countries/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<html lang="fr">' in html and "Pays et autres zones" in html


@pytest.mark.django_db
def test_language_switcher_sets_cookie_and_returns(page_client):
    html = page_client.get("/countries/?as_of=2026-02-03").content.decode()
    assert 'action="/i18n/setlang/" method="post"' in html
    assert '<label for="language-select">Language</label>' in html
    assert '<input name="next" type="hidden" value="/countries/?as_of=2026-02-03">' in html
    response = page_client.post(
        "/i18n/setlang/", {"language": "fr", "next": "/countries/?as_of=2026-02-03"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/countries/?as_of=2026-02-03"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    html = page_client.get("/countries/?as_of=2026-02-03").content.decode()
    assert '<html lang="fr">' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "language, text", [("fr", "Page introuvable"), ("es", "Página no encontrada")]
)
def test_error_pages_are_translated(page_client, language, text):
    page_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = page_client.get("/countries/ZZZ/")
    assert response.status_code == 404
    assert text in response.content.decode()
