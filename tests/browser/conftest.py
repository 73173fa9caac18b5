"""Browser tests: Playwright drives Debian's Chromium against a live server with the seed.

Never `playwright install`: the browser is the system's /usr/bin/chromium (or
MONITOR_CHROMIUM). axe-core is read from .cache/npm/node_modules/axe-core/axe.min.js (what
`.ci/run` installs with npm) or MONITOR_AXE_JS. Without them these tests skip and say why,
except under MONITOR_REQUIRE_BROWSER=1 (set by .ci/run), where that is a failure.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
AXE_JS = Path(
    os.environ.get("MONITOR_AXE_JS") or ROOT / ".cache/npm/node_modules/axe-core/axe.min.js"
)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _required() -> bool:
    return os.environ.get("MONITOR_REQUIRE_BROWSER", "") == "1"


def _unavailable(reason: str):
    if _required():
        pytest.fail(f"{reason} (MONITOR_REQUIRE_BROWSER=1 makes this a failure)", pytrace=False)
    pytest.skip(reason)


def _chromium() -> str | None:
    configured = os.environ.get("MONITOR_CHROMIUM")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    for candidate in ("/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[dev]')")
    executable = _chromium()
    if executable is None:
        _unavailable("chromium is not installed (apt-get install chromium)")
    # Playwright's sync API keeps an asyncio loop in this thread; the test's own database
    # work (loading the seed, flushing) is synchronous and safe, so let Django allow it.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def axe_source() -> str:
    if not AXE_JS.is_file():
        _unavailable(
            f"axe-core is not installed at {AXE_JS} "
            "(npm install --no-save --prefix .cache/npm axe-core@4)"
        )
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture
def site(browser, live_server, transactional_db):
    """The live server's base URL, with the bundled seed loaded (live_server needs a
    transactional database, so the seed is loaded here rather than by `seeded`)."""
    from django.core.management import call_command

    call_command("seed", verbosity=0)
    return live_server.url


@pytest.fixture
def page(browser, site):
    context = browser.new_context(
        base_url=site,
        locale="en-GB",
        accept_downloads=True,
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()
