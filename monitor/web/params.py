"""Parsing of the public query parameters shared by the pages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class BadParameter(ValueError):
    """A query parameter the page cannot use; the message is shown to the reader."""


@dataclass(frozen=True)
class AsOf:
    """The date a page describes, and whether the reader chose it (so links can keep it)."""

    date: date
    explicit: bool

    @property
    def query(self) -> str:
        """Query string to append to internal links ("" for the default, today)."""
        return f"?as_of={self.date.isoformat()}" if self.explicit else ""


def parse_as_of(request) -> AsOf:
    """`?as_of=YYYY-MM-DD`, strictly; absent or empty means today."""
    raw = request.GET.get("as_of", "").strip()
    if not raw:
        return AsOf(timezone.localdate(), explicit=False)
    if not _ISO_DATE.match(raw):
        raise BadParameter(f"The date “{raw[:40]}” is not in the form YYYY-MM-DD.")
    try:
        return AsOf(date.fromisoformat(raw), explicit=True)
    except ValueError:
        raise BadParameter(f"The date “{raw}” does not exist.") from None
