"""Access to the real data in ../shared, which a user's fresh clone does not have.

Tests that read it call `shared_path(...)`: on a bare clone they skip with the reason below;
with MONITOR_REQUIRE_SHARED=1 (set by .ci/run) a missing file is a failure instead.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("MONITOR_SHARED_DIR") or ROOT.parent / "shared")
UNTC_DIR = SHARED / "data" / "raw" / "untc-disarmament-2026-02-03" / "html"
UNTC_FILES = {
    "mbt": "untc_XXVI-5_apmbc.html",
    "ccm": "untc_XXVI-6_ccm.html",
    "ccw-ii": "untc_XXVI-2-b_ccw_amended_protocol_II.html",
    "ccw-v": "untc_XXVI-2-d_ccw_protocol_V.html",
}


def shared_path(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        if os.environ.get("MONITOR_REQUIRE_SHARED") == "1":
            pytest.fail(f"{path} is missing and MONITOR_REQUIRE_SHARED=1 makes it mandatory")
        pytest.skip(f"real data not available: {path} is absent (a fresh clone has no ../shared)")
    return path


def untc_page(code: str) -> Path:
    return shared_path("data", "raw", "untc-disarmament-2026-02-03", "html", UNTC_FILES[code])
