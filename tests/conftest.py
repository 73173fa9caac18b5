import pytest


@pytest.fixture
def seeded(db):
    """Countries, treaties and the bundled UNTC treaty events, loaded by `monitor seed`."""
    from django.core.management import call_command

    call_command("seed", verbosity=0)


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Every test starts with an empty cache: a page cached by one test (monitor.web.cache)
    must not be served to the next, whose database may differ."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language: a test that switched to French or Spanish
    (a request through LocaleMiddleware, `translation.activate`) must not leak its language
    into the next test run by the same process (one of several with pytest-xdist)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
