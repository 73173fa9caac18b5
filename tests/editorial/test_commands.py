"""`monitor user add|assign|list|role`: thin commands over the account services (the command
line is trusted: no actor), one-line errors with exit status 2."""

import json
import subprocess
import sys
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from monitor.audit.models import AuditEntry
from monitor.countries.services import country_seed
from monitor.editorial.models import Assignment
from monitor.editorial.roles import Role, role_of

pytestmark = pytest.mark.django_db


def run(*args, stdin=None):
    out = StringIO()
    extra = {"stdin": StringIO(stdin)} if stdin is not None else {}
    call_command("user", *args, stdout=out, stderr=StringIO(), **extra)
    return out.getvalue()


def run_failing(*args, stdin=None):
    extra = {"stdin": StringIO(stdin)} if stdin is not None else {}
    with pytest.raises(CommandError) as exc:
        call_command("user", *args, stdout=StringIO(), stderr=StringIO(), **extra)
    assert exc.value.returncode == 2
    assert "\n" not in str(exc.value)
    return str(exc.value)


@pytest.fixture
def countries(db):
    country_seed()


def test_add_with_a_password_from_stdin(countries):
    out = run(
        "add",
        "rita",
        "--role",
        "researcher",
        "--email",
        "rita@example.org",
        "--password-stdin",
        stdin="correct horse battery staple\n",
    )
    assert out == "created rita (researcher)\n"
    user = get_user_model().objects.get(username="rita")
    assert user.email == "rita@example.org" and role_of(user) == Role.RESEARCHER
    assert user.check_password("correct horse battery staple")
    assert user.password.startswith("argon2")
    entry = AuditEntry.objects.get(object_type="auth.user")
    assert (entry.actor, entry.actor_name, entry.action) == (None, "system", "create")


def test_add_without_a_password(countries):
    out = run("add", "vic", "--role", "viewer")
    assert out == "created vic (viewer) (no password yet: monitor changepassword USERNAME)\n"
    assert not get_user_model().objects.get(username="vic").has_usable_password()


def test_assign_list_and_role(countries):
    run("add", "rita", "--role", "researcher", "--email", "rita@example.org")
    run("add", "eddie", "--role", "editor")
    assert run("assign", "rita", "afg") == "rita may propose changes for AFG (every theme)\n"
    assert run("assign", "RITA", "IRQ", "--theme", "contamination") == (
        "rita may propose changes for IRQ (contamination)\n"
    )
    assert run("assign", "rita", "AFG") == "rita may propose changes for AFG (every theme)\n"
    assert Assignment.objects.filter(user__username="rita").count() == 2

    lines = run("list").splitlines()
    assert lines[0].split() == ["eddie", "editor", "-"]
    assert lines[1].split() == [
        "rita",
        "researcher",
        "rita@example.org",
        "assigned:",
        "AFG,",
        "IRQ/contamination",
    ]
    data = json.loads(run("list", "--format", "json"))
    assert data[1] == {
        "username": "rita",
        "role": "researcher",
        "email": "rita@example.org",
        "active": True,
        "assignments": ["AFG", "IRQ/contamination"],
    }

    assert run("role", "rita", "editor") == "rita: researcher -> editor\n"
    rita = get_user_model().objects.get(username="rita")
    assert role_of(rita) == Role.EDITOR


def test_list_shows_inactive_accounts_and_superusers(countries):
    User = get_user_model()
    User.objects.create_superuser("root", "root@example.org", "x" * 12)
    run("add", "gone", "--role", "viewer")
    User.objects.filter(username="gone").update(is_active=False)
    lines = run("list").splitlines()
    assert lines[0].endswith("[inactive]") and lines[0].startswith("gone")
    assert lines[1].split()[:2] == ["root", "administrator"]


def test_list_with_no_accounts(db):
    assert run("list") == "no accounts (monitor user add USERNAME --role ROLE)\n"


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("add", "rita", "--role", "researcher"), None, "username: 'rita' is taken"),
        (("add", "RITA", "--role", "viewer"), None, "'RITA' is taken"),
        (("add", "new", "--role", "wizard"), None, "invalid choice: 'wizard'"),
        (("add", "new"), None, "required: --role"),
        (("add", "new", "--role", "viewer", "--email", "nope"), None, "'nope' is not an e-mail"),
        (("add", "new", "--role", "viewer", "--password-stdin"), "", "holds no password"),
        (("add", "new", "--role", "viewer", "--password-stdin"), "short\n", "too short"),
        (("add", "bad name!", "--role", "viewer"), None, "username"),
        (("assign", "nobody", "AFG"), None, "unknown user 'nobody'"),
        (("assign", "rita", "ZZZ"), None, "unknown country 'ZZZ'"),
        (("assign", "rita", "AFG", "--theme", "astrology"), None, "unknown theme 'astrology'"),
        (("assign", "eddie", "AFG"), None, "eddie is not a researcher"),
        (("role", "nobody", "editor"), None, "unknown user 'nobody'"),
        (("role", "rita", "boss"), None, "invalid choice: 'boss'"),
        (("explode",), None, "invalid choice: 'explode'"),
        ((), None, "required: ACTION"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(countries, args, stdin, message):
    run("add", "rita", "--role", "researcher")
    run("add", "eddie", "--role", "editor")
    before = (get_user_model().objects.count(), Assignment.objects.count())
    assert message in run_failing(*args, stdin=stdin)
    assert (get_user_model().objects.count(), Assignment.objects.count()) == before


def test_console_script_errors_are_one_line_with_status_2(tmp_path):
    env = {"MONITOR_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-m", "monitor", "migrate", "-v0"], env=env, check=True)
    for args in (["assign", "nobody", "AFG"], ["add", "x", "--role", "wizard"], ["role", "x"]):
        proc = subprocess.run(
            [sys.executable, "-m", "monitor", "user", *args],
            env=env,
            capture_output=True,
            text=True,
            cwd=tmp_path,
        )
        assert proc.returncode == 2, (args, proc.stderr)
        assert len(proc.stderr.strip().splitlines()) == 1, (args, proc.stderr)
        assert "Traceback" not in proc.stderr
    proc = subprocess.run(
        [sys.executable, "-m", "monitor", "user", "add", "alice", "--role", "editor",
         "--password-stdin"],
        env=env,
        input="a long enough passphrase\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )  # fmt: skip
    assert (proc.returncode, proc.stdout) == (0, "created alice (editor)\n"), proc.stderr
