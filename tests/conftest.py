import pytest


@pytest.fixture
def seeded(db):
    """Countries, treaties and the bundled UNTC treaty events, loaded by `monitor seed`."""
    from django.core.management import call_command

    call_command("seed", verbosity=0)
