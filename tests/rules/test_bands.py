from decimal import Decimal

import pytest

from monitor.rules.bands import (
    DEFAULT_BANDS,
    Band,
    Bands,
    cmr_heavily_affected,
    contamination_band,
)


@pytest.mark.parametrize(
    "area,band",
    [
        (100, Band.HEAVY),
        (Decimal("100.00"), Band.HEAVY),
        (100.01, Band.MASSIVE),
        (Decimal("100.01"), Band.MASSIVE),
        (1500, Band.MASSIVE),
        (20, Band.HEAVY),
        (19.99, Band.MEDIUM),
        (5, Band.MEDIUM),
        (4.99, Band.LIGHT),
        (0, Band.LIGHT),
        ("52.3", Band.HEAVY),
    ],
)
def test_default_bands(area, band):
    assert contamination_band(area) is band


def test_negative_area_is_an_error():
    with pytest.raises(ValueError):
        contamination_band(-1)


def test_labels_and_ranges():
    assert DEFAULT_BANDS.label(Band.MASSIVE) == "Massive"
    assert DEFAULT_BANDS.range_label(Band.HEAVY) == "Heavy (20–100 km²)"
    assert DEFAULT_BANDS.range_label(Band.MASSIVE) == "Massive (more than 100 km²)"
    assert DEFAULT_BANDS.range_label(Band.MEDIUM) == "Medium (5 to under 20 km²)"
    assert DEFAULT_BANDS.range_label(Band.LIGHT) == "Light (under 5 km²)"


def test_configurable_thresholds_and_labels():
    bands = Bands(
        massive_above=Decimal(50),
        heavy_from=Decimal(10),
        medium_from=Decimal("2.5"),
        labels={**DEFAULT_BANDS.labels, Band.MASSIVE: "Very heavy"},
    )
    assert bands.classify(50) is Band.HEAVY
    assert bands.classify(51) is Band.MASSIVE
    assert bands.classify("2.5") is Band.MEDIUM
    assert bands.range_label(Band.MASSIVE) == "Very heavy (more than 50 km²)"
    assert bands.range_label(Band.MEDIUM) == "Medium (2.5 to under 10 km²)"
    with pytest.raises(ValueError):
        Bands(heavy_from=Decimal(3), medium_from=Decimal(5))


def test_cmr_heavily_affected():
    assert cmr_heavily_affected(10)
    assert cmr_heavily_affected(Decimal("10.00"))
    assert not cmr_heavily_affected(9.99)
    assert cmr_heavily_affected(6, threshold=5)
