"""Typesetting: the content of a publication, laid out by the project's Typst templates.

The data (content.py) is written as data.json next to the SVG graphics and the templates in
a scratch folder, which Typst compiles with the fonts bundled in the `typst` package only (no
system fonts) and without a creation date, so the same inputs give the same bytes.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import tempfile
import time
from pathlib import Path

import typst
from django.db import transaction

from monitor.publishing import content
from monitor.publishing.build import KINDS, BuildOutput, Progress, PublishError

TEMPLATES = Path(__file__).with_name("typst")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def typeset(
    template: str,
    data: dict,
    graphics: dict[str, str],
    *,
    ppi: float | None = None,
    fmt: str = "pdf",
) -> bytes:
    """Compile `template` (a file in typst/) with `data` as data.json and `graphics` (file
    name -> SVG text) beside it."""
    with tempfile.TemporaryDirectory(prefix="monitor-typst-") as tmp:
        root = Path(tmp)
        for file in TEMPLATES.glob("*.typ"):
            shutil.copy(file, root / file.name)
        (root / "data.json").write_text(
            json.dumps(data, ensure_ascii=False, sort_keys=True), encoding="utf-8"
        )
        for name, svg in graphics.items():
            (root / name).write_text(svg, encoding="utf-8")
        try:
            return typst.compile(
                str(root / template),
                root=str(root),
                ignore_system_fonts=True,
                format=fmt,
                ppi=ppi,
            )
        except typst.TypstError as exc:  # a template bug, not the user's: say where
            raise PublishError(f"typesetting {template} failed: {exc.message}") from exc


def build(
    kind: str,
    *,
    treaty: str | None = None,
    iso3: str | None = None,
    edition: str | None = None,
    progress: Progress | None = None,
) -> BuildOutput:
    if kind not in KINDS:
        raise PublishError(f"unknown document kind {kind!r}: expected one of {', '.join(KINDS)}")
    if kind == "report" and not treaty:
        raise PublishError("a report needs a treaty: mbt or ccm")
    if kind != "report" and not iso3:
        raise PublishError(f"a {kind} needs a country code (ISO 3166-1 alpha-3)")

    def step(stage: str, done: int, total: int) -> None:
        if progress:
            progress(stage, done, total)

    timings: dict[str, float] = {}
    notes = content.Notes()
    start = time.perf_counter()
    step("data", 0, 1)
    try:
        # One snapshot of the database for the whole build (repeatable on PostgreSQL).
        with transaction.atomic():
            scope = content.edition_scope(edition)
            if kind == "report":
                data, graphics = content.report_content(treaty, scope, notes, progress=step)
                name = f"{treaty}-report-{slug(scope.edition.name)}"
            elif kind == "profile":
                data, graphics = content.profile_content(iso3, scope, notes)
                name = f"{data['country']['iso3'].lower()}-profile-{slug(scope.edition.name)}"
            else:
                data, graphics = content.factsheet_content(iso3, scope, notes)
                name = f"{data['country']['iso3'].lower()}-factsheet-{slug(scope.edition.name)}"
    except content.ContentError as exc:
        raise PublishError(str(exc)) from exc
    elapsed = time.perf_counter() - start
    timings["charts"] = notes.seconds.get("charts", 0.0)
    timings["maps"] = notes.seconds.get("maps", 0.0)
    timings["data"] = elapsed - timings["charts"] - timings["maps"]
    step("typesetting", 0, 1)
    start = time.perf_counter()
    pdf = typeset(f"{kind}.typ", data, graphics)
    timings["typesetting"] = time.perf_counter() - start
    step("typesetting", 1, 1)

    log = [
        f"{kind} as of edition {scope.edition.name}"
        + (f" ({treaty})" if treaty else f" ({iso3.upper()})"),
        f"editions read: {', '.join(e.name for e in scope.editions)}",
    ]
    if scope.left_out:
        log.append(f"editions left out (no report year): {', '.join(scope.left_out)}")
    if scope.draft:
        log.append(
            "DRAFT: open editions read (figures may change until frozen): "
            + ", ".join(scope.open_editions)
        )
    log.append(f"treaty status as of {data['as_of']}; {len(graphics)} graphics")
    if kind == "report":
        log.append(f"{len(data['countries'])} country profiles")
    log.append(f"{len(notes.missing)} places with no data reported")
    log.append("timings: " + ", ".join(f"{k} {v:.2f} s" for k, v in timings.items()))
    return BuildOutput(
        kind=kind,
        pdf=pdf,
        filename=f"{name}{'-draft' if scope.draft else ''}.pdf",
        edition=scope.edition.name,
        draft=scope.draft,
        log=log,
        missing=list(notes.missing),
        timings=timings,
    )


#: Print resolution of the PNG infographics (dots per inch).
PRINT_PPI = 300


def build_infographics(
    out_dir: Path, *, edition: str | None = None, progress: Progress | None = None
) -> BuildOutput:
    """Write the key maps and charts to `out_dir` as SVG and as PNG at print resolution, with
    an index.json naming each file, its title, the edition and the date of the data."""
    notes = content.Notes()
    try:
        with transaction.atomic():
            scope = content.edition_scope(edition)
            graphics = content.infographics(scope, notes)
    except content.ContentError as exc:
        raise PublishError(str(exc)) from exc
    out_dir.mkdir(parents=True, exist_ok=True)
    index = []
    start = time.perf_counter()
    for i, (name, svg) in enumerate(sorted(graphics.items())):
        stem = name.removesuffix(".svg")
        (out_dir / name).write_text(svg, encoding="utf-8")
        png = typeset("graphic.typ", {"file": name}, {name: svg}, fmt="png", ppi=PRINT_PPI)
        (out_dir / f"{stem}.png").write_bytes(png)
        title = re.search(r"<title[^>]*>([^<]*)</title>", svg)
        index.append(
            {
                "svg": name,
                "png": f"{stem}.png",
                "title": html.unescape(title.group(1)) if title else stem,
            }
        )
        if progress:
            progress("rendering", i + 1, len(graphics))
    manifest = {
        "edition": scope.edition.name,
        "draft": scope.draft,
        "as_of": scope.as_of.isoformat(),
        "editions_read": [e.name for e in scope.editions],
        "png_ppi": PRINT_PPI,
        "files": index,
    }
    (out_dir / "index.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return BuildOutput(
        kind="infographics",
        pdf=b"",
        filename=str(out_dir),
        edition=scope.edition.name,
        draft=scope.draft,
        log=[f"{len(index)} graphics written to {out_dir} (SVG and PNG at {PRINT_PPI} ppi)"],
        missing=list(notes.missing),
        timings={**notes.seconds, "png": time.perf_counter() - start},
    )
