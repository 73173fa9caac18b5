"""Regenerate the vendored country table `monitor/countries/data/countries.csv`.

The source is `dist/countries.csv` of the npm package `world-countries@5.1.0` (mledoze/countries,
ODbL 1.0). We keep only the columns the platform uses, so the vendored file stays small and its
provenance stays obvious. Run it with the path of the package's csv:

    cd /tmp && npm pack world-countries@5.1.0 && tar xzf world-countries-5.1.0.tgz
    .venv/bin/python -m monitor.countries.vendor /tmp/package/dist/countries.csv
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

PACKAGE = "world-countries@5.1.0"
VENDORED_CSV = Path(__file__).resolve().parent / "data" / "countries.csv"
COLUMNS: tuple[str, ...] = (
    "cca3",
    "cca2",
    "ccn3",
    "name.common",
    "name.official",
    "region",
    "subregion",
    "unMember",
    "independent",
    "altSpellings",
)


def trim_rows(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Keep only COLUMNS, sorted by cca3 so regenerating gives a stable diff."""
    missing = [c for c in COLUMNS if rows and c not in rows[0]]
    if missing:
        raise ValueError(f"source csv lacks columns {missing}")
    return sorted(({c: row[c] for c in COLUMNS} for row in rows), key=lambda r: r["cca3"])


def vendor(source: Path, target: Path = VENDORED_CSV) -> int:
    """Read the package csv at `source`, write the trimmed csv to `target`; return the row count."""
    with source.open(encoding="utf-8", newline="") as fh:
        rows = trim_rows(list(csv.DictReader(fh)))
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        raise SystemExit(
            f"usage: python -m monitor.countries.vendor PATH/TO/{PACKAGE}/dist/countries.csv"
        )
    count = vendor(Path(args[0]))
    print(f"wrote {count} rows to {VENDORED_CSV}")


if __name__ == "__main__":
    main()
