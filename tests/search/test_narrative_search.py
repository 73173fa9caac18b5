"""Published narrative profile sections in the search index (SQLite FTS5 and PostgreSQL)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from monitor.editorial import services
from monitor.editorial.models import NarrativeSection
from monitor.research.models import Source
from monitor.search.models import SearchDocument
from monitor.search.selectors import search
from monitor.search.services import search_index_rebuild

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(seeded):
    researcher = services.user_create(actor=None, username="rita", role="researcher")
    services.assignment_add(actor=None, user=researcher, country="AFG")
    editor = services.user_create(actor=None, username="edna", role="editor")
    return researcher, editor


def publish(people, section, body, edition="Landmine Monitor 2024"):
    researcher, editor = people
    proposal = services.proposal_create(
        author=researcher,
        country="AFG",
        kind="narrative",
        section=section,
        body=body,
        edition=edition,
        reason="Profile text.",
    )
    services.proposal_submit(actor=researcher, proposal=proposal)
    return services.proposal_approve(actor=editor, proposal=proposal)


def _key():
    return Source.objects.order_by("key").values_list("key", flat=True).first()


def _narrative(hits):
    return [h for h in hits if h.kind == "narrative"]


def test_a_published_section_is_found_at_once(people):
    assert _narrative(search(query="Nangarhar")) == []
    publish(people, "impact", f"Most casualties were recorded in Nangarhar province [@{_key()}].")
    (hit,) = _narrative(search(query="nangarhar"))
    assert hit.title == "Afghanistan: Impact"
    assert hit.url == "/countries/AFG/#impact"
    assert "Nangarhar" in hit.snippet
    assert hit.kind_label == "Country profiles"


def test_republishing_replaces_the_document(people):
    publish(people, "impact", f"Kandahar text [@{_key()}].")
    publish(people, "impact", f"Helmand text [@{_key()}].")
    assert _narrative(search(query="kandahar")) == []
    assert len(_narrative(search(query="helmand"))) == 1
    assert SearchDocument.objects.filter(kind="narrative").count() == 1


def test_an_older_edition_does_not_replace_the_latest(people):
    publish(people, "impact", f"Kunar text [@{_key()}].")
    publish(people, "impact", f"Paktia text [@{_key()}].", edition="Landmine Monitor 2023")
    assert len(_narrative(search(query="kunar"))) == 1
    assert _narrative(search(query="paktia")) == []


def test_the_rebuild_indexes_sections_as_published(people):
    publish(people, "impact", f"Ghazni text [@{_key()}].")
    publish(people, "mine_ban_policy", f"Ratified in 2002 [@{_key()}].")
    counts = search_index_rebuild()
    assert counts["narrative"] == 2
    (hit,) = _narrative(search(query="ghazni"))
    assert hit.url == "/countries/AFG/#impact"
    # Footnotes (source titles) are not part of the searchable text of the section.
    doc = SearchDocument.objects.get(kind="narrative", ref="AFG:impact")
    assert "Ghazni text" in doc.body and "↩" not in doc.body
    # The command says how many documents it wrote per kind.
    out = StringIO()
    call_command("search-index", stdout=out)
    assert "narrative: 2 documents" in out.getvalue()


def test_a_deleted_section_leaves_the_index(people):
    publish(people, "impact", f"Logar text [@{_key()}].")
    assert len(_narrative(search(query="logar"))) == 1
    # The workflow never deletes a section; if one is deleted (by hand) the index follows.
    NarrativeSection.objects.get().delete()
    assert _narrative(search(query="logar")) == []
    assert not SearchDocument.objects.filter(kind="narrative").exists()
