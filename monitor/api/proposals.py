"""The write side of the API: researchers' proposals, /api/v1/proposals/ (token auth).

Every write goes through monitor.editorial.services (the same checks as the back office):
a proposal is created as a draft (and submitted if asked); nothing published changes until
an editor approves it.
"""

from __future__ import annotations

from typing import Annotated

from django.db import transaction
from django.urls import reverse
from ninja import Router, Status
from pydantic import Field

from monitor.api import schemas as s
from monitor.api.auth import token_auth
from monitor.api.errors import ApiError
from monitor.api.pagination import DEFAULT_PAGE_SIZE, Page, PageSize, paginate
from monitor.editorial import services
from monitor.editorial.models import Proposal
from monitor.research.themes import THEMES

router = Router(tags=["proposals"], auth=token_auth)

ERR = s.ErrorOut
WRITE_RESPONSES = {
    201: s.ProposalOut,
    400: ERR,
    401: ERR,
    403: ERR,
    422: s.ProblemsErrorOut,
    429: ERR,
}
READ_RESPONSES = {401: ERR, 404: ERR, 422: s.ProblemsErrorOut, 429: ERR}

#: Columns a correction does not carry over from the record it corrects (it brings its own
#: citation and notes; see services.proposal_create).
_NOT_CARRIED = ("quote", "note", "confidence", "preferred", "preferred_reason")


def _out(request, proposal: Proposal) -> dict:
    return {
        "id": proposal.pk,
        "state": proposal.state,
        "country": proposal.country_id,
        "kind": proposal.kind,
        "theme": proposal.theme,
        "target_id": proposal.target_id,
        "edition": proposal.edition.name,
        "payload": {k: str(v) for k, v in (proposal.payload or {}).items()},
        "section": proposal.section,
        "body": proposal.body,
        "new_source": {k: str(v) for k, v in (proposal.new_source or {}).items()},
        "reason": proposal.reason,
        "created_at": proposal.created_at,
        "updated_at": proposal.updated_at,
        "submitted_at": proposal.submitted_at,
        # Its page in the back office (where editors review it and the author follows it).
        "url": request.build_absolute_uri(
            reverse("editorial:proposal-detail", kwargs={"pk": proposal.pk})
        ),
        "api_url": request.build_absolute_uri(
            reverse("api-v1:proposal_detail", kwargs={"proposal_id": proposal.pk})
        ),
    }


def _cell(value) -> str:
    return "" if value is None else str(value)


def _payload(data: s.ProposalIn) -> dict | None:
    """The payload as text cells; a correction's unchanged columns come from its record."""
    if data.payload is None:
        return None
    cells = {k: _cell(v) for k, v in data.payload.items()}
    theme = THEMES.get(data.theme)
    if data.kind != "record" or data.target_id is None or theme is None:
        return cells
    if theme.name not in services.PROPOSABLE_THEMES:
        return cells
    target = theme.model.objects.select_related("source").filter(pk=data.target_id).first()
    if target is None:  # reported by the service as target_id
        return cells
    current = services.record_cells(theme.name, target)
    for name in _NOT_CARRIED:
        current.pop(name, None)
    return {**current, **cells}


def _queryset():
    return Proposal.objects.select_related("edition")


@router.post(
    "/proposals/",
    response=WRITE_RESPONSES,
    operation_id="proposals_create",
    summary="Propose a change (a figure or a narrative section); submit it if asked",
    description=(
        "Creates a draft proposal through the editorial services (the checks of the back "
        "office: assignment, theme columns, sources). With `submit: true` it is also "
        "submitted for review; if that fails, nothing is created. Published data never "
        "change here: an editor approves the proposal."
    ),
)
def proposals_create(request, data: s.ProposalIn):
    with transaction.atomic():
        proposal = services.proposal_create(
            author=request.auth,
            country=data.country,
            kind=data.kind,
            edition=data.edition or None,
            theme=data.theme,
            target_id=data.target_id,
            payload=_payload(data),
            section=data.section,
            body=data.body,
            new_source=data.new_source.dict() if data.new_source else None,
            reason=data.reason,
        )
        if data.submit:
            proposal = services.proposal_submit(actor=request.auth, proposal=proposal)
    proposal = _queryset().get(pk=proposal.pk)
    return Status(201, _out(request, proposal))


@router.get(
    "/proposals/",
    response={200: s.ProposalPage, **READ_RESPONSES},
    operation_id="proposals_list",
    summary="Your own proposals, most recently changed first",
)
def proposals_list(
    request,
    page: Page = 1,
    page_size: PageSize = DEFAULT_PAGE_SIZE,
):
    qs = _queryset().filter(author=request.auth).order_by("-updated_at", "-id")
    result = paginate(request, qs, page, page_size)
    result["results"] = [_out(request, p) for p in result["results"]]
    return result


@router.get(
    "/proposals/{proposal_id}/",
    response={200: s.ProposalOut, **READ_RESPONSES},
    operation_id="proposal_detail",
    url_name="proposal_detail",
    summary="One proposal you may see (yours; others' as your role allows)",
)
def proposal_detail(request, proposal_id: Annotated[int, Field(ge=1, le=2**63 - 1)]):
    proposal = _queryset().filter(pk=proposal_id).first()
    # Not allowed to see it reads the same as not there: drafts stay private.
    if proposal is None or not services.can_view_proposal(request.auth, proposal):
        raise ApiError(404, f"unknown proposal {proposal_id}", "proposal_id")
    return _out(request, proposal)
