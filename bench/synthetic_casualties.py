"""SYNTHETIC casualty records for benchmarks and tests. NOT Monitor data.

Every record is invented by a seeded pseudo-random generator: its `record_id` starts with
"SYNTH-" and its note says "synthetic benchmark data, not Monitor data". Country codes are
real ISO3 codes (so they resolve against the countries table) and data years run 2000-2024,
but the people, places, dates and counts are made up and say nothing about any country.

Rows are dicts of text cells keyed by the "casualty_records" theme's columns, as a CSV file
would give them, so loading them exercises the same validation as a real file.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta

SEED = 20240917
RECORD_PREFIX = "SYNTH-"
NOTE = "synthetic benchmark data, not Monitor data"
SOURCE_KEY = "synthetic-benchmark"
SOURCE_TITLE = "SYNTHETIC BENCHMARK DATA — not Monitor data"
EDITION_NAME = "Synthetic benchmark (not Monitor data)"
YEARS = tuple(range(2000, 2025))

#: Real ISO3 codes; the choice of countries is arbitrary and implies nothing.
COUNTRIES = (
    "AFG", "AGO", "AZE", "BIH", "BFA", "COL", "COD", "EGY", "ETH", "HRV",
    "IRQ", "IRN", "KHM", "LAO", "LBN", "LBY", "MLI", "MMR", "MOZ", "NGA",
    "PAK", "PSE", "SDN", "SOM", "SSD", "LKA", "SYR", "TCD", "THA", "TUR",
    "UKR", "VNM", "YEM", "ZWE", "CAF", "CMR", "NER", "PHL", "SRB", "TJK",
)  # fmt: skip

COLUMNS = (
    "country", "data_year", "record_id", "incident_date", "place", "outcome", "age_group",
    "sex", "civilian_status", "device", "source", "quote", "confidence", "preferred",
    "preferred_reason", "note",
)  # fmt: skip

# (value, weight): skewed like casualty data tends to be, but invented.
_OUTCOME = (("killed", 30), ("injured", 60), ("unknown", 10))
_AGE = (("child", 35), ("adult", 55), ("unknown", 10))
_SEX = (("female", 15), ("male", 75), ("unknown", 10))
_STATUS = (("civilian", 80), ("military", 12), ("deminer", 2), ("unknown", 6))
_DEVICE = (
    ("ap_mine", 10), ("improvised_mine", 35), ("av_mine", 5), ("unspecified_mine", 10),
    ("cmr", 8), ("other_erw", 25), ("unknown", 7),
)  # fmt: skip


def _picker(rng: random.Random, table) -> Iterator[str]:
    values = [v for v, _ in table]
    weights = [w for _, w in table]
    while True:
        yield from rng.choices(values, weights, k=4096)


def synthetic_rows(n: int, *, seed: int = SEED, source_key: str = SOURCE_KEY) -> Iterator[dict]:
    """Yield `n` SYNTHETIC casualty records as text cells; the same seed gives the same rows."""
    rng = random.Random(seed)
    outcome, age, sex = _picker(rng, _OUTCOME), _picker(rng, _AGE), _picker(rng, _SEX)
    status, device = _picker(rng, _STATUS), _picker(rng, _DEVICE)
    for i in range(n):
        year = rng.choice(YEARS)
        has_date = rng.random() < 0.8
        incident = (
            (date(year, 1, 1) + timedelta(days=rng.randrange(365))).isoformat() if has_date else ""
        )
        yield {
            "country": rng.choice(COUNTRIES),
            "data_year": str(year),
            "record_id": f"{RECORD_PREFIX}{i + 1:08d}",
            "incident_date": incident,
            "place": f"Synthetic place {rng.randrange(500)}" if rng.random() < 0.5 else "",
            "outcome": next(outcome),
            "age_group": next(age),
            "sex": next(sex),
            "civilian_status": next(status),
            "device": next(device),
            "source": source_key,
            "quote": "",
            "confidence": "L",
            "preferred": "",
            "preferred_reason": "",
            "note": NOTE,
        }
