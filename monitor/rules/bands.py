"""Contamination size bands (DOMAIN.md 5.2). Pure functions; no Django.

Antipersonnel-mine contamination, by estimated area:

- massive: more than 100 km²
- heavy: 20 km² up to and including 100 km²
- medium: 5 km² up to (not including) 20 km²
- light: less than 5 km²

The thresholds (100/20/5 km²) come from a secondary source citing the Monitor (medium
confidence) and the wording varies between editions ("very heavy"/"massive"), so thresholds
and labels are configurable through `Bands`. Boundary handling (exactly 100 -> heavy, exactly
20 -> heavy, exactly 5 -> medium) is the platform's choice.

Cluster munition remnants: CMM 2013/2014 call a State "heavily affected" at 10 km² or more
(`cmr_heavily_affected`); finer CMR bands could not be verified.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from decimal import Decimal


class Band(enum.StrEnum):
    MASSIVE = "massive"
    HEAVY = "heavy"
    MEDIUM = "medium"
    LIGHT = "light"


def _decimal(value: Decimal | float | int | str) -> Decimal:
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))  # str() so 100.01 stays 100.01, not a binary float


DEFAULT_LABELS = {
    Band.MASSIVE: "Massive",
    Band.HEAVY: "Heavy",
    Band.MEDIUM: "Medium",
    Band.LIGHT: "Light",
}


@dataclass(frozen=True)
class Bands:
    """Thresholds in km²: massive > `massive_above`; heavy >= `heavy_from`; medium >= `medium_from`."""

    massive_above: Decimal = Decimal(100)
    heavy_from: Decimal = Decimal(20)
    medium_from: Decimal = Decimal(5)
    labels: dict[Band, str] = field(default_factory=lambda: dict(DEFAULT_LABELS))

    def __post_init__(self) -> None:
        if not (0 < self.medium_from < self.heavy_from <= self.massive_above):
            raise ValueError("need 0 < medium_from < heavy_from <= massive_above")

    def classify(self, area_km2: Decimal | float | int | str) -> Band:
        area = _decimal(area_km2)
        if area < 0:
            raise ValueError(f"negative area: {area_km2}")
        if area > _decimal(self.massive_above):
            return Band.MASSIVE
        if area >= _decimal(self.heavy_from):
            return Band.HEAVY
        if area >= _decimal(self.medium_from):
            return Band.MEDIUM
        return Band.LIGHT

    def label(self, band: Band) -> str:
        return self.labels[band]

    def range_label(self, band: Band) -> str:
        """The band's label with its range, e.g. "Heavy (20–100 km²)"."""
        hi, mid, lo = (_fmt(x) for x in (self.massive_above, self.heavy_from, self.medium_from))
        ranges = {
            Band.MASSIVE: f"more than {hi} km²",
            Band.HEAVY: f"{mid}–{hi} km²",
            Band.MEDIUM: f"{lo} to under {mid} km²",
            Band.LIGHT: f"under {lo} km²",
        }
        return f"{self.label(band)} ({ranges[band]})"

    def ordered(self) -> tuple[Band, ...]:
        """Bands from the smallest to the largest."""
        return (Band.LIGHT, Band.MEDIUM, Band.HEAVY, Band.MASSIVE)


def _fmt(value: Decimal | float | int) -> str:
    d = _decimal(value)
    return f"{d.normalize():f}"


DEFAULT_BANDS = Bands()


def contamination_band(area_km2: Decimal | float | int | str, bands: Bands = DEFAULT_BANDS) -> Band:
    return bands.classify(area_km2)


#: CMM 2013/2014: "heavily affected" by cluster munition remnants at 10 km² or more.
CMR_HEAVILY_AFFECTED_KM2 = Decimal(10)


def cmr_heavily_affected(
    area_km2: Decimal | float | int | str,
    threshold: Decimal | float | int = CMR_HEAVILY_AFFECTED_KM2,
) -> bool:
    return _decimal(area_km2) >= _decimal(threshold)
