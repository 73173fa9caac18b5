"""The country page's narrative profile (published sections) and errata of frozen editions."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from monitor.editorial import services
from monitor.editorial.selectors_public import country_errata, country_profile
from monitor.research.models import CasualtyAggregate, Edition, Erratum, Source

pytestmark = pytest.mark.django_db

PAGE = "/countries/AFG/"


@pytest.fixture
def people(seeded):
    researcher = services.user_create(actor=None, username="rita", role="researcher")
    services.assignment_add(actor=None, user=researcher, country="AFG")
    editor = services.user_create(actor=None, username="edna", role="editor")
    return researcher, editor


@pytest.fixture
def source(seeded):
    return Source.objects.exclude(url="").order_by("key").first()


def publish(people, section: str, body: str, edition="Landmine Monitor 2024", **extra):
    researcher, editor = people
    proposal = services.proposal_create(
        author=researcher,
        country="AFG",
        kind="narrative",
        section=section,
        body=body,
        edition=edition,
        reason="Profile text for the edition.",
        **extra,
    )
    services.proposal_submit(actor=researcher, proposal=proposal)
    return services.proposal_approve(actor=editor, proposal=proposal)


def _profile(html: str) -> str:
    return html.split('id="profile-heading"', 1)[1].split('id="research-heading"', 1)[0]


def test_no_profile_part_without_published_sections(client, seeded):
    html = client.get(PAGE).content.decode()
    assert 'id="profile-heading"' not in html
    assert "Corrections to frozen editions" not in html


def test_published_sections_in_profile_order_with_footnotes(client, people, source):
    publish(people, "impact", f"Casualties were recorded in 2023 [@{source.key}, p. 4].")
    publish(people, "mine_ban_policy", f"Afghanistan is a State Party [@{source.key}].")
    html = client.get(PAGE).content.decode()
    profile = _profile(html)
    assert ">Profile</h2>" in html
    # Sections in the print order of narrative.SECTIONS, each with its anchor.
    assert profile.index('<h3 id="mine_ban_policy">Mine Ban Policy</h3>') < profile.index(
        '<h3 id="impact">Impact</h3>'
    )
    assert "Casualties were recorded in 2023" in profile
    assert f'<a href="{source.url}" rel="noopener noreferrer">' in profile
    assert ", p. 4." in profile
    assert re.search(
        r'From Landmine Monitor 2024, updated <time datetime="\d{4}-\d{2}-\d{2}">', profile
    )
    # Footnote anchors are unique on the page although each section numbers from 1.
    assert 'id="impact-fn-1"' in profile and 'href="#impact-fn-1"' in profile
    assert 'id="mine_ban_policy-fn-1"' in profile
    ids = Counter(re.findall(r'\sid="([^"]+)"', html))
    assert [i for i, n in ids.items() if n > 1] == []


def test_the_latest_edition_of_each_section_is_shown(client, people, source):
    publish(people, "impact", f"Old impact text [@{source.key}].", edition="Landmine Monitor 2023")
    publish(people, "impact", f"New impact text [@{source.key}].")
    publish(
        people, "addressing_the_impact", f"Only in 2023 [@{source.key}].", "Landmine Monitor 2023"
    )
    sections = country_profile(iso3="AFG")
    assert [(s.key, s.edition) for s in sections] == [
        ("impact", "Landmine Monitor 2024"),
        ("addressing_the_impact", "Landmine Monitor 2023"),
    ]
    profile = _profile(client.get(PAGE).content.decode())
    assert "New impact text" in profile and "Old impact text" not in profile
    assert "From Landmine Monitor 2023, updated" in profile


def test_markup_in_a_section_is_neutralised(client, people, source):
    publish(
        people,
        "impact",
        f'<script>alert("x")</script> [click](javascript:alert(1)) '
        f"<img src=x onerror=alert(1)> text [@{source.key}].",
    )
    profile = _profile(client.get(PAGE).content.decode())
    assert "<script" not in profile and "<img" not in profile
    # What is left of them is text: no element, attribute or link.
    assert 'href="javascript' not in profile and "&lt;script&gt;" in profile
    assert not re.search(r"<[^>]+onerror", profile)


def test_publishing_invalidates_the_cached_page(client, people, source):
    first = client.get(PAGE)
    assert first["X-Monitor-Cache"] == "miss" and 'id="profile-heading"' not in first.text
    assert client.get(PAGE)["X-Monitor-Cache"] == "hit"
    publish(people, "impact", f"Fresh text [@{source.key}].")
    again = client.get(PAGE)
    assert again["X-Monitor-Cache"] == "miss" and "Fresh text" in again.text


@pytest.fixture
def erratum(people):
    """A correction of AFG's 2023 casualties after Landmine Monitor 2024 was frozen."""
    researcher, editor = people
    services.edition_freeze(name="Landmine Monitor 2024")
    Edition.objects.create(name="Landmine Monitor 2025", report_year=2025, data_year=2024)
    target = CasualtyAggregate.objects.get(country_id="AFG", data_year=2023, scope="mines_erw")
    cells = services.record_cells("casualties", target)
    cells.update(total="700", quote="", note="", confidence="", preferred="")
    proposal = services.proposal_create(
        author=researcher,
        country="AFG",
        kind="record",
        theme="casualties",
        target_id=target.pk,
        edition="Landmine Monitor 2025",
        payload=cells,
        reason="Final figure from the mine action centre.",
    )
    services.proposal_submit(actor=researcher, proposal=proposal)
    services.proposal_approve(actor=editor, proposal=proposal)
    return Erratum.objects.get()


def test_errata_are_noted_beside_the_figure_and_listed(client, erratum):
    (note,) = country_errata(iso3="AFG")
    assert (note.edition, note.corrected_edition) == (
        "Landmine Monitor 2024",
        "Landmine Monitor 2025",
    )
    html = client.get(PAGE).content.decode()
    casualties = html.split('id="research-casualties"', 1)[1].split("</section>", 1)[0]
    assert (
        '<p class="erratum">Corrected (erratum to Landmine Monitor 2024): '
        "Final figure from the mine action centre.</p>"
    ) in casualties
    listed = html.split('id="errata-heading"', 1)[1].split("</section>", 1)[0]
    assert "Corrections to frozen editions" in html
    assert (
        "Casualties (per country and year): a figure published in Landmine Monitor 2024" in listed
    )
    assert "the corrected figure is published in Landmine Monitor 2025" in " ".join(listed.split())
    assert "Reason: Final figure from the mine action centre." in listed


def test_country_page_queries_do_not_grow_with_sections_or_errata(
    client, erratum, people, source, django_assert_num_queries
):
    for key in ("mine_ban_policy", "impact", "support_for_mine_action"):
        publish(people, key, f"Text [@{source.key}].", edition="Landmine Monitor 2025")
    publish(people, "impact", f"Older [@{source.key}].", edition="Landmine Monitor 2023")
    # As tests/web/test_pages.py: 14, plus narrative sections (1) and errata (1).
    with django_assert_num_queries(16):
        response = client.get(PAGE)
    assert response.status_code == 200 and "erratum to Landmine Monitor 2024" in response.text
    assert response.text.count('class="profile-section"') == 3


@pytest.mark.parametrize("language", ["fr", "es"])
def test_the_profile_renders_in_every_language(client, people, source, language):
    from django.conf import settings

    publish(people, "impact", f"Texte [@{source.key}].")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(PAGE)
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.text and 'id="impact"' in response.text
