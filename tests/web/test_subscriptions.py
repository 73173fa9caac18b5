"""Readers subscribe to a country profile's updates: form, double opt-in, cancellation."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from monitor.editorial import services
from monitor.editorial.models import Subscription
from monitor.research.models import Source

pytestmark = pytest.mark.django_db

PAGE = "/countries/AFG/"
SUBSCRIBE = "/countries/AFG/subscribe/"


def _token_in(html: str) -> str:
    form = html.split(f'action="{SUBSCRIBE}"', 1)[1].split("</form>", 1)[0]
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)


def test_the_country_page_has_the_form(client, seeded):
    html = client.get(PAGE).content.decode()
    assert "Get e-mail when this profile changes" in html
    form = html.split(f'<form class="subscribe" method="post" action="{SUBSCRIBE}">', 1)[1]
    form = form.split("</form>", 1)[0]
    assert 'name="csrfmiddlewaretoken"' in form
    assert '<label for="subscribe-email">' in form and 'type="email"' in form


def test_subscribing_sends_a_confirmation(client, seeded, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SUBSCRIBE, {"email": " Reader@Example.org "})
    assert response.status_code == 200
    assert "Check your inbox" in response.text and "Reader@Example.org" in response.text
    sub = Subscription.objects.get()
    assert sub.email == "reader@example.org" and sub.country_id == "AFG"
    assert sub.confirmed_at is None
    (message,) = mail.outbox
    assert message.to == ["reader@example.org"]
    assert f"/subscriptions/{sub.token}/confirm/" in message.body
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("email", ["", "not an address", "a@", "x" * 250 + "@example.org"])
def test_a_bad_address_is_400_with_the_message(client, seeded, email):
    response = client.post(SUBSCRIBE, {"email": email})
    assert response.status_code == 400
    assert "Enter a valid e-mail address" in response.text
    assert 'role="alert"' in response.text and 'aria-invalid="true"' in response.text
    assert not Subscription.objects.exists()


def test_unknown_country_is_404(client, seeded):
    assert client.post("/countries/ZZZ/subscribe/", {"email": "a@example.org"}).status_code == 404
    assert client.post("/countries/12/subscribe/", {"email": "a@example.org"}).status_code == 404


def test_get_shows_the_form_and_other_methods_are_405(client, seeded):
    response = client.get(SUBSCRIBE)
    assert response.status_code == 200 and 'type="email"' in response.text
    assert client.put(SUBSCRIBE).status_code == 405


def test_subscribing_twice_keeps_one_subscription(client, seeded):
    for _ in range(2):
        assert client.post(SUBSCRIBE, {"email": "a@example.org"}).status_code == 200
    assert Subscription.objects.count() == 1


def test_the_form_works_from_a_cached_page(seeded):
    """The page is cached with a placeholder CSRF token; every reader gets a fresh one."""
    first = Client(enforce_csrf_checks=True)
    assert first.get(PAGE)["X-Monitor-Cache"] == "miss"
    reader = Client(enforce_csrf_checks=True)
    page = reader.get(PAGE)
    assert page["X-Monitor-Cache"] == "hit"
    token = _token_in(page.text)
    assert "\x00" not in token and token != _token_in(first.get(PAGE).text)
    response = reader.post(SUBSCRIBE, {"email": "reader@example.org", "csrfmiddlewaretoken": token})
    assert response.status_code == 200, response.text[:300]
    assert Subscription.objects.filter(email="reader@example.org").exists()
    # Without the token the post is refused.
    stranger = Client(enforce_csrf_checks=True)
    assert stranger.post(SUBSCRIBE, {"email": "x@example.org"}).status_code == 403


def test_confirm_link(client, seeded):
    sub = services.subscription_request(email="a@example.org", country="AFG")
    response = client.get(f"/subscriptions/{sub.token}/confirm/")
    assert response.status_code == 200
    assert "Subscription confirmed" in response.text
    assert f'href="/subscriptions/{sub.token}/cancel/"' in response.text
    sub.refresh_from_db()
    assert sub.confirmed_at is not None
    # Following the link again is harmless.
    assert client.get(f"/subscriptions/{sub.token}/confirm/").status_code == 200


@pytest.mark.parametrize("token", ["nope", "x" * 200, "%00", "a%00b", "%C3%A9t%C3%A9"])
def test_unknown_tokens_are_404(client, seeded, token):
    assert client.get(f"/subscriptions/{token}/confirm/").status_code == 404
    assert client.get(f"/subscriptions/{token}/cancel/").status_code == 404
    assert client.post(f"/subscriptions/{token}/cancel/").status_code == 404


def test_cancel_asks_first_then_cancels_on_post(client, seeded):
    sub = services.subscription_request(email="a@example.org", country="AFG")
    url = f"/subscriptions/{sub.token}/cancel/"
    page = client.get(url)
    assert page.status_code == 200
    assert '<button type="submit">Stop the e-mails</button>' in page.text
    assert Subscription.objects.filter(pk=sub.pk).exists()  # a GET changes nothing
    done = client.post(url)
    assert done.status_code == 200 and "Subscription cancelled" in done.text
    assert not Subscription.objects.filter(pk=sub.pk).exists()
    assert client.post(url).status_code == 404


def test_the_cancel_form_needs_its_csrf_token(seeded):
    sub = services.subscription_request(email="a@example.org", country="AFG")
    url = f"/subscriptions/{sub.token}/cancel/"
    reader = Client(enforce_csrf_checks=True)
    assert reader.post(url).status_code == 403
    page = reader.get(url).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert reader.post(url, {"csrfmiddlewaretoken": token}).status_code == 200


def test_a_confirmed_reader_hears_of_a_published_update(
    client, seeded, django_capture_on_commit_callbacks
):
    sub = services.subscription_request(email="a@example.org", country="AFG")
    client.get(f"/subscriptions/{sub.token}/confirm/")
    researcher = services.user_create(actor=None, username="rita", role="researcher")
    services.assignment_add(actor=None, user=researcher, country="AFG")
    editor = services.user_create(actor=None, username="edna", role="editor")
    key = Source.objects.values_list("key", flat=True).first()
    proposal = services.proposal_create(
        author=researcher,
        country="AFG",
        kind="narrative",
        section="impact",
        edition="Landmine Monitor 2024",
        body=f"Text [@{key}].",
        reason="New text.",
    )
    services.proposal_submit(actor=researcher, proposal=proposal)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_approve(actor=editor, proposal=proposal)
    to_reader = [m for m in mail.outbox if m.to == ["a@example.org"]]
    assert len(to_reader) == 1
    assert f"/subscriptions/{sub.token}/cancel/" in to_reader[0].body
