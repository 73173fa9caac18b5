"""Build one publication (annual report, country profile, fact sheet) as a PDF.

This is the one entry point shared by `monitor publish`, the background task behind the
editors' "build" button and the benchmark. It reads the database through the selectors that
feed the website, writes the document's data and SVG graphics into a scratch folder next to
the project's Typst templates, and typesets it with the `typst` package.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

#: The kinds of document `build_document` makes.
KINDS = ("report", "profile", "factsheet")

#: progress(stage, done, total): called as the build goes; `stage` is a short label such as
#: "data", "charts", "maps", "typesetting".
Progress = Callable[[str, int, int], None]


class PublishError(Exception):
    """The build cannot start or cannot finish; the message says why (one line)."""


@dataclass
class BuildOutput:
    kind: str
    pdf: bytes
    filename: str  # a suggested file name, e.g. "ccm-report-cluster-munition-monitor-2023.pdf"
    edition: str  # the edition's name
    draft: bool  # True when an edition read is still open: every page carries a DRAFT mark
    log: list[str] = field(default_factory=list)  # what the build did, line by line
    missing: list[str] = field(default_factory=list)  # "no data reported" places, one per line
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage

    @property
    def content_hash(self) -> str:
        """SHA-256 of the PDF bytes (hex): equal for two builds from the same inputs."""
        return hashlib.sha256(self.pdf).hexdigest()


def build_document(
    kind: str,
    *,
    treaty: str | None = None,
    iso3: str | None = None,
    edition: str | None = None,
    progress: Progress | None = None,
) -> BuildOutput:
    """Build a document. `kind` is one of KINDS; "report" needs `treaty` ("mbt" or "ccm"),
    "profile" and "factsheet" need `iso3`. `edition` is an edition name (default: the latest
    edition). Raises PublishError for anything the caller can fix (unknown country, unknown
    edition, ...)."""
    from monitor.publishing import documents

    return documents.build(kind, treaty=treaty, iso3=iso3, edition=edition, progress=progress)
