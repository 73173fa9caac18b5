from __future__ import annotations

import io
import sys
from pathlib import Path

from pypdf import PdfReader

from monitor.commands import MonitorCommand, UsageError, _OneLineParser
from monitor.publishing.build import BuildOutput, PublishError, build_document


def _progress_bar(enabled: bool):
    """A rich progress bar on stderr for long builds (none when stderr is not a terminal)."""
    if not enabled:
        return None, None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    bar = Progress(
        TextColumn("{task.description:<18}"),
        BarColumn(),
        MofNCompleteColumn(),
        transient=True,
    )
    task = bar.add_task("data", total=1)

    def update(stage: str, done: int, total: int) -> None:
        bar.update(task, description=stage, completed=done, total=max(total, 1))

    return bar, update


class Command(MonitorCommand):
    help = (
        "Publish the Monitor's documents from the cited data: an annual report per treaty, a "
        "country profile or a two-page fact sheet as PDF (Typst), or the key maps and charts "
        "as SVG and PNG at print resolution.\n\n"
        "A document is made as of an edition (default: the latest): it reads that edition's "
        "figures and those of earlier editions. If one of them is still open, the document is "
        "a DRAFT, marked on every page; freeze editions (`monitor edition freeze NAME`) for "
        "the final build. The same inputs always give the same bytes (the SHA-256 printed).\n\n"
        "  monitor publish report --treaty ccm --edition 'Cluster Munition Monitor 2023' "
        "--out ccm-2023.pdf\n"
        "  monitor publish profile KHM --out cambodia.pdf\n"
        "  monitor publish factsheet KHM --out cambodia-factsheet.pdf\n"
        "  monitor publish infographics var/infographics\n\n"
        'Missing figures show as "No data reported"; -v 2 lists every such place.'
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(
            dest="kind", metavar="DOCUMENT", required=True, parser_class=_OneLineParser
        )

        def common(p, *, out: bool = True):
            p.add_argument(
                "--edition", metavar="NAME", default=None, help="edition (default: the latest)"
            )
            if out:
                p.add_argument("--out", required=True, metavar="FILE.pdf", help="PDF to write")
            p.add_argument(
                "--no-progress", action="store_true", help="no progress bar on the terminal"
            )

        report = sub.add_parser("report", help="the annual report of one treaty")
        report.add_argument("--treaty", required=True, choices=["mbt", "ccm"], help="treaty")
        common(report)
        for kind, text in (
            ("profile", "a country profile"),
            ("factsheet", "a two-page country fact sheet"),
        ):
            p = sub.add_parser(kind, help=text)
            p.add_argument("iso3", metavar="ISO3", help="ISO 3166-1 alpha-3 country code, e.g. KHM")
            common(p)
        info = sub.add_parser("infographics", help="key maps and charts as SVG and PNG")
        info.add_argument("directory", metavar="DIR", help="folder to write (created if needed)")
        common(info, out=False)

    def handle(self, *args, kind, edition, no_progress, **options):
        verbosity = options["verbosity"]
        bar, update = _progress_bar(not no_progress and sys.stderr.isatty() and verbosity > 0)
        try:
            if bar:
                bar.start()
            if kind == "infographics":
                from monitor.publishing.documents import build_infographics

                result = build_infographics(
                    Path(options["directory"]), edition=edition, progress=update
                )
            else:
                out = Path(options["out"])
                if out.is_dir():
                    raise UsageError(f"--out {out}: is a folder; give a file name")
                if not out.parent.exists():
                    raise UsageError(f"--out {out}: folder {out.parent} does not exist")
                result = build_document(
                    kind,
                    treaty=options.get("treaty"),
                    iso3=options.get("iso3"),
                    edition=edition,
                    progress=update,
                )
                out.write_bytes(result.pdf)
        except PublishError as exc:
            raise UsageError(str(exc)) from exc
        finally:
            if bar:
                bar.stop()
        self._report(result, kind, options, verbosity)

    def _report(self, result: BuildOutput, kind: str, options: dict, verbosity: int) -> None:
        if verbosity == 0:
            return
        if kind != "infographics":
            pages = len(PdfReader(io.BytesIO(result.pdf)).pages)
            self.stdout.write(
                f"wrote {options['out']}: {pages} pages, sha256 {result.content_hash}"
                + (" (DRAFT: open editions read)" if result.draft else "")
            )
        for line in result.log:
            self.stdout.write(f"  {line}")
        if result.missing:
            self.stdout.write(f"  no data reported in {len(result.missing)} places")
            if verbosity >= 2:
                for line in result.missing:
                    self.stdout.write(f"    {line}")
