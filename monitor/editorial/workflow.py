"""The proposal life cycle as a pure state machine.

    draft --submit--> submitted --approve--> approved --publish--> published
      ^                  |  \\--reject--> rejected
      |                  v
      +--(edit)-- changes_requested --submit--> submitted

`approve` and `publish` happen in one transaction in `proposal_approve`: approval applies the
change through the research services, and the applied figure is public at once; both steps
stay in the proposal's history. Who may take each action is in `ACTIONS`.
"""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    PUBLISHED = "published"
    REJECTED = "rejected"


class Action(StrEnum):
    EDIT = "edit"
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    REQUEST_CHANGES = "request_changes"
    APPROVE = "approve"
    PUBLISH = "publish"
    REJECT = "reject"


#: action -> (states it is allowed from, resulting state, who: "author" or "editor")
ACTIONS: dict[Action, tuple[frozenset[State], State, str]] = {
    Action.EDIT: (frozenset({State.DRAFT, State.CHANGES_REQUESTED}), None, "author"),  # type: ignore[dict-item]
    Action.SUBMIT: (frozenset({State.DRAFT, State.CHANGES_REQUESTED}), State.SUBMITTED, "author"),
    Action.WITHDRAW: (frozenset({State.SUBMITTED}), State.DRAFT, "author"),
    Action.REQUEST_CHANGES: (frozenset({State.SUBMITTED}), State.CHANGES_REQUESTED, "editor"),
    Action.APPROVE: (frozenset({State.SUBMITTED}), State.APPROVED, "editor"),
    Action.PUBLISH: (frozenset({State.APPROVED}), State.PUBLISHED, "editor"),
    Action.REJECT: (
        frozenset({State.SUBMITTED, State.CHANGES_REQUESTED}),
        State.REJECTED,
        "editor",
    ),
}

OPEN_STATES = frozenset({State.DRAFT, State.SUBMITTED, State.CHANGES_REQUESTED, State.APPROVED})


class TransitionError(ValueError):
    """An action that the proposal's state does not allow."""


def next_state(state: State | str, action: Action | str) -> State:
    """The state after `action`, or TransitionError naming what is allowed."""
    state, action = State(state), Action(action)
    allowed, result, _ = ACTIONS[action]
    if state not in allowed:
        names = ", ".join(sorted(s.value.replace("_", " ") for s in allowed))
        raise TransitionError(
            f"cannot {action.value.replace('_', ' ')} a proposal that is "
            f"{state.value.replace('_', ' ')} (only when {names})"
        )
    return state if result is None else result


def actor_kind(action: Action | str) -> str:
    """ "author" or "editor": who takes this action."""
    return ACTIONS[Action(action)][2]
