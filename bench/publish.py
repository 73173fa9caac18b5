"""Publishing benchmark: how long the PDFs take, stage by stage (data, charts, maps, typesetting).

Targets (issue 7): the full annual report with every country profile in at most 60 s on the
2-core reference machine; one fact sheet in at most 1 s.

Two runs, each on a fresh SQLite database in a temporary directory (never the demo database):

1. **seed**: the bundled real data (`monitor seed`): the MBT and CCM annual reports as of the
   latest edition, a country profile and the KHM fact sheet (median of 5 builds).
2. **scale**: the seed plus SYNTHETIC figures — invented by a seeded generator, NOT Monitor
   data, in an edition and a source both named "SYNTHETIC BENCHMARK DATA" — for every
   country and area in the countries table, 10 data years each of contamination, land
   release, casualties and support, so the MBT report holds a profile of every country.

    .venv/bin/python bench/publish.py [--years 10] [--factsheets 5]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SYNTHETIC = "SYNTHETIC BENCHMARK DATA — not Monitor data"


def _setup(var: Path) -> None:
    os.environ["MONITOR_VAR_DIR"] = str(var)
    os.environ["DATABASE_URL"] = f"sqlite:///{var / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "monitor.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed", verbosity=0)


def _synthetic(years: int) -> int:
    """Invented figures for every country (see the module docstring); returns the count."""
    from monitor.countries.models import Country
    from monitor.research.models import (
        CasualtyAggregate,
        Contamination,
        Edition,
        LandRelease,
        Source,
        SupportFigure,
    )

    rng = random.Random(20261129)
    edition = Edition.objects.create(name=SYNTHETIC, report_year=2099, data_year=2098)
    source = Source.objects.create(key="synthetic-publish-bench", title=SYNTHETIC)
    common = {"edition": edition, "source": source, "note": SYNTHETIC}
    rows: dict[type, list] = {m: [] for m in (Contamination, LandRelease, CasualtyAggregate)}
    rows[SupportFigure] = []
    for iso3 in Country.objects.values_list("iso3", flat=True):
        for year in range(2098 - years + 1, 2099):
            area = rng.randint(1, 50_000) / 100
            rows[Contamination].append(
                Contamination(
                    country_id=iso3,
                    data_year=year,
                    device_class="antipersonnel_mines",
                    area_km2=f"{area:.2f}",
                    **common,
                )
            )
            rows[LandRelease].append(
                LandRelease(
                    country_id=iso3,
                    data_year=year,
                    released_km2=f"{area / 10:.2f}",
                    cleared_km2=f"{area / 20:.2f}",
                    **common,
                )
            )
            killed = rng.randint(0, 400)
            injured = rng.randint(0, 800)
            rows[CasualtyAggregate].append(
                CasualtyAggregate(
                    country_id=iso3,
                    data_year=year,
                    total=killed + injured,
                    killed=killed,
                    injured=injured,
                    **common,
                )
            )
            rows[SupportFigure].append(
                SupportFigure(
                    country_id=iso3,
                    data_year=year,
                    kind="international",
                    amount_usd=rng.randint(10_000, 90_000_000),
                    **common,
                )
            )
    for model, objs in rows.items():
        model.objects.bulk_create(objs, batch_size=2000)
    return sum(len(v) for v in rows.values())


def _stages(timings: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.2f} s" for k, v in timings.items())


def _report(label: str, **kwargs) -> float:
    from monitor.publishing.build import build_document

    start = time.perf_counter()
    out = build_document("report", **kwargs)
    total = time.perf_counter() - start
    import io

    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(out.pdf)).pages)
    profiles = next((line for line in out.log if line.endswith("country profiles")), "")
    print(
        f"{label}: {total:.2f} s, {pages} pages, {profiles}, {len(out.pdf) / 1e6:.1f} MB "
        f"({_stages(out.timings)})"
    )
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--years", type=int, default=10, help="synthetic data years per country")
    parser.add_argument("--factsheets", type=int, default=5, help="fact sheet builds to time")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="monitor-bench-publish-") as tmp:
        _setup(Path(tmp))
        from monitor.publishing.build import build_document

        print("== seed (real data, bundled)")
        _report("MBT annual report", treaty="mbt")
        _report("CCM annual report", treaty="ccm")
        build_document("factsheet", iso3="KHM")  # warm the map geometry cache
        times = []
        for _ in range(args.factsheets):
            start = time.perf_counter()
            out = build_document("factsheet", iso3="KHM")
            times.append(time.perf_counter() - start)
        print(
            f"KHM fact sheet: median {statistics.median(times):.3f} s of {len(times)} "
            f"(target <= 1 s; last: {_stages(out.timings)})"
        )
        start = time.perf_counter()
        out = build_document("profile", iso3="KHM")
        print(f"KHM country profile: {time.perf_counter() - start:.3f} s")

        print(f"== scale (seed + {SYNTHETIC})")
        start = time.perf_counter()
        n = _synthetic(args.years)
        print(f"generated {n} synthetic figures in {time.perf_counter() - start:.1f} s")
        total = _report("MBT annual report, every country", treaty="mbt", edition=SYNTHETIC)
        verdict = "met" if total <= 60 else "NOT met"
        print(f"target <= 60 s for the full annual report: {verdict} ({total:.1f} s)")


if __name__ == "__main__":
    main()
