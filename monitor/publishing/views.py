"""Back-office pages of the PDF builds (English only, never cached, like /editorial/).

Every signed-in team member (viewer and above) sees the builds, follows their progress and
downloads the PDFs; only editors and administrators request a build (the service checks it:
anyone else gets the 403 page). A build that does not exist, or has no PDF to download, is
a 404.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header

from monitor.editorial.roles import Role
from monitor.editorial.views import _render, editorial_view
from monitor.publishing import selectors as sel
from monitor.publishing import services
from monitor.publishing.models import Build
from monitor.publishing.services import REPORT_TREATIES, BuildRequestError

#: While a build is queued or running its page reloads itself this often (seconds).
REFRESH_SECONDS = 3


class BuildForm(forms.Form):
    """What to build. It only parses: `services.build_request` checks everything."""

    kind = forms.ChoiceField(label="Document", choices=Build.Kind.choices)
    treaty = forms.ChoiceField(
        label="Treaty",
        required=False,
        help_text="Annual reports only.",
        choices=[
            ("", "—"),
            *((code, f"{name} ({code})") for code, name in REPORT_TREATIES.items()),
        ],
    )
    iso3 = forms.ChoiceField(
        label="Country", required=False, help_text="Country profiles and fact sheets only."
    )
    edition = forms.ChoiceField(label="Edition", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["iso3"].choices = [("", "—"), *sel.countries_for_select()]
        self.fields["edition"].choices = [
            ("", "Latest edition"),
            *((e.name, e.name) for e in sel.editions_newest_first()),
        ]

    def request_kwargs(self) -> dict:
        """The service's arguments: only the target the chosen kind uses (the form shows
        both a treaty and a country; the other one may still hold an earlier choice)."""
        data = self.cleaned_data
        report = data["kind"] == "report"
        return {
            "kind": data["kind"],
            "treaty": data["treaty"] if report else "",
            "iso3": "" if report else data["iso3"],
            "edition": data["edition"],
        }


def _list_page(request, form: BuildForm | None = None, status: int = 200):
    return _render(
        request,
        "publishing/builds.html",
        {
            "builds": sel.builds_list(),
            "form": form or BuildForm(),
            "can_build": services.can_request_build(request.user),
        },
        status=status,
    )


@editorial_view(Role.VIEWER)
def builds(request):
    """GET: the builds and, for editors, the form. POST: request a build (editors)."""
    if request.method == "GET":
        return _list_page(request)
    form = BuildForm(request.POST)
    if form.is_valid():
        try:
            build = services.build_request(request.user, **form.request_kwargs())
        except BuildRequestError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, f"Build #{build.pk} is queued: {build.subject}.")
            return redirect("publishing:build-detail", pk=build.pk)
    return _list_page(request, form)


@editorial_view(Role.VIEWER, methods=("GET",))
def build_detail(request, pk: int):
    build = sel.build_detail(pk)
    if build is None:
        raise Http404("No such build.")
    refresh = build.active and request.GET.get("refresh") != "0"
    response = _render(
        request,
        "publishing/build_detail.html",
        {
            "build": build,
            "refresh": refresh,
            "refresh_seconds": REFRESH_SECONDS,
            "can_build": services.can_request_build(request.user),
        },
    )
    if refresh:
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


@editorial_view(Role.VIEWER, methods=("GET",))
def build_download(request, pk: int):
    build = sel.build_pdf(pk)
    if build is None:
        raise Http404("This build has no PDF to download.")
    response = HttpResponse(bytes(build.pdf), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        True, build.filename or f"monitor-build-{build.pk}.pdf"
    )
    add_never_cache_headers(response)
    return response
