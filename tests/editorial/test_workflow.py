"""The proposal life cycle as a pure state machine: every state × action, allowed or not."""

import itertools

import pytest

from monitor.editorial.workflow import (
    ACTIONS,
    OPEN_STATES,
    Action,
    State,
    TransitionError,
    actor_kind,
    next_state,
)

S, A = State, Action

#: The whole table: (state, action) -> resulting state; every pair not listed is refused.
ALLOWED = {
    (S.DRAFT, A.EDIT): S.DRAFT,
    (S.DRAFT, A.SUBMIT): S.SUBMITTED,
    (S.CHANGES_REQUESTED, A.EDIT): S.CHANGES_REQUESTED,
    (S.CHANGES_REQUESTED, A.SUBMIT): S.SUBMITTED,
    (S.CHANGES_REQUESTED, A.REJECT): S.REJECTED,
    (S.SUBMITTED, A.WITHDRAW): S.DRAFT,
    (S.SUBMITTED, A.REQUEST_CHANGES): S.CHANGES_REQUESTED,
    (S.SUBMITTED, A.APPROVE): S.APPROVED,
    (S.SUBMITTED, A.REJECT): S.REJECTED,
    (S.APPROVED, A.PUBLISH): S.PUBLISHED,
}
ALL_PAIRS = list(itertools.product(State, Action))


@pytest.mark.parametrize(("state", "action"), ALL_PAIRS, ids=[f"{s}-{a}" for s, a in ALL_PAIRS])
def test_every_state_and_action(state, action):
    if (state, action) in ALLOWED:
        assert next_state(state, action) == ALLOWED[(state, action)]
    else:
        with pytest.raises(TransitionError) as exc:
            next_state(state, action)
        message = str(exc.value)
        assert message.startswith(f"cannot {action.value.replace('_', ' ')} a proposal that is")
        assert state.value.replace("_", " ") in message


def test_the_table_is_the_declaration():
    declared = {
        (state, action) for action, (states, _result, _who) in ACTIONS.items() for state in states
    }
    assert declared == set(ALLOWED)


def test_states_and_actions_are_accepted_as_text():
    assert next_state("draft", "submit") is State.SUBMITTED
    with pytest.raises(ValueError):
        next_state("draft", "explode")
    with pytest.raises(ValueError):
        next_state("limbo", "submit")


def test_published_and_rejected_are_final():
    for state in (S.PUBLISHED, S.REJECTED):
        assert not any(next_ok(state, a) for a in Action)
    assert S.PUBLISHED not in OPEN_STATES and S.REJECTED not in OPEN_STATES


def next_ok(state, action) -> bool:
    try:
        next_state(state, action)
    except TransitionError:
        return False
    return True


@pytest.mark.parametrize(
    ("action", "who"),
    [
        (A.EDIT, "author"),
        (A.SUBMIT, "author"),
        (A.WITHDRAW, "author"),
        (A.REQUEST_CHANGES, "editor"),
        (A.APPROVE, "editor"),
        (A.PUBLISH, "editor"),
        (A.REJECT, "editor"),
    ],
)
def test_who_takes_each_action(action, who):
    assert actor_kind(action) == who
    assert actor_kind(action.value) == who


def test_the_documented_path_reaches_published():
    state = S.DRAFT
    for action in (A.SUBMIT, A.REQUEST_CHANGES, A.EDIT, A.SUBMIT, A.APPROVE, A.PUBLISH):
        state = next_state(state, action)
    assert state is S.PUBLISHED
