"""Roles are Django groups; a user's role is the strongest group they belong to.

administrator > editor > researcher > viewer. A superuser counts as an administrator.
Researchers also need assignments (country, and optionally theme) to propose anything.
"""

from __future__ import annotations

from enum import IntEnum


class Role(IntEnum):
    NONE = 0
    VIEWER = 1
    RESEARCHER = 2
    EDITOR = 3
    ADMINISTRATOR = 4

    @property
    def group(self) -> str:
        return self.name.lower()


ROLE_GROUPS = {r.group: r for r in Role if r is not Role.NONE}


def role_of(user) -> Role:
    """The user's role (Role.NONE for anonymous or inactive users)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Role.NONE
    if user.is_superuser:
        return Role.ADMINISTRATOR
    cached = getattr(user, "_monitor_role", None)
    if cached is not None:
        return cached
    names = set(user.groups.values_list("name", flat=True))
    role = max((ROLE_GROUPS[n] for n in names if n in ROLE_GROUPS), default=Role.NONE)
    user._monitor_role = role
    return role


def is_editor(user) -> bool:
    return role_of(user) >= Role.EDITOR


def is_administrator(user) -> bool:
    return role_of(user) >= Role.ADMINISTRATOR
