"""The public site in a real browser: the main flows and automated accessibility checks."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STATUS_DATE = "2026-02-03"


def _exists(page, path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def test_home_to_country_profile_to_csv_download(page):
    page.goto("/")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "home.png", full_page=True)
    on_map = page.locator('svg a[href*="/countries/AFG/"]')
    if on_map.count():
        on_map.first.click()  # the Mine Ban Treaty map comes first on the home page
    else:
        page.get_by_role("link", name="Countries", exact=True).first.click()
        page.get_by_role("link", name="Afghanistan", exact=True).click()
    page.wait_for_url(re.compile(r"/countries/AFG/"))
    assert page.locator("h1").inner_text() == "Afghanistan"
    page.screenshot(path=ARTIFACTS / "country-AFG.png", full_page=True)

    with page.expect_download() as info:
        page.get_by_role("link", name="CSV", exact=True).first.click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    content = open(download.path(), encoding="utf-8-sig").read()
    header, *rows = content.splitlines()
    assert "," in header and rows, content[:200]
    assert "AFG" in content or "Afghanistan" in content


def test_treaty_page_date_picker_changes_the_counts(page):
    if not _exists(page, "/treaties/mbt/"):
        pytest.skip("no treaty pages on this site yet")
    page.goto(f"/treaties/mbt/?as_of={STATUS_DATE}")
    counts = page.locator("table").first
    today = counts.inner_text()
    assert "162" in today
    page.locator("#as_of").fill("1999-03-01")
    page.get_by_role("button", name="Show", exact=True).click()
    page.wait_for_url(re.compile(r"as_of=1999-03-01"))
    earlier = page.locator("table").first.inner_text()
    assert earlier != today and "162" not in earlier
    assert page.locator("#as_of").input_value() == "1999-03-01"


def test_search_finds_a_country(page):
    if not _exists(page, "/search/"):
        pytest.skip("no search page on this site yet")
    page.goto("/search/")
    page.locator("#search-q").fill("Afghanistan")
    page.locator("#search-q").press("Enter")
    page.wait_for_url(re.compile(r"/search/\?.*q=Afghanistan"))
    page.locator('main a[href^="/countries/AFG/"]').first.click()
    page.wait_for_url(re.compile(r"/countries/AFG/"))


def test_language_switch_to_french_and_back(page):
    page.goto(f"/countries/?as_of={STATUS_DATE}")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_label("Language").select_option("fr")
    page.get_by_role("button", name="Change language").click()
    page.wait_for_function("document.documentElement.lang === 'fr'")
    assert page.url.endswith(f"/countries/?as_of={STATUS_DATE}")
    assert page.locator("h1").inner_text() == "Pays et autres zones"
    assert "3 février 2026" in page.locator("main").inner_text()
    page.get_by_label("Langue").select_option("en")
    page.get_by_role("button", name="Changer de langue").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.locator("h1").inner_text() == "Countries and other areas"


A11Y_PAGES = [
    "/",
    "/countries/",
    "/countries/AFG/",
    "/treaties/mbt/",
    "/deadlines/",
    "/themes/casualties/",
    "/search/?q=afghanistan",
    "/data/",
    "/strategy/",
    "/strategy/indicators/1a/",
    "/strategy/forecasts/",
]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_no_serious_accessibility_violations(page, site, axe_source, language):
    page.context.add_cookies([{"name": "django_language", "value": language, "url": site}])
    checked, problems = [], []
    for path in A11Y_PAGES:
        if not _exists(page, path.split("?")[0]):
            continue
        response = page.goto(path)
        assert response.status == 200, path
        assert page.locator("html").get_attribute("lang") == language
        page.add_script_tag(content=axe_source)
        violations = page.evaluate(
            """async () => (await axe.run(document, {resultTypes: ['violations']}))
                .violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => `${v.id} (${v.impact}): ${v.help} at `
                          + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join('; '))"""
        )
        checked.append(path)
        problems += [f"{path} [{language}] {v}" for v in violations]
    assert len(checked) >= 3
    assert not problems, "\n".join(problems)
