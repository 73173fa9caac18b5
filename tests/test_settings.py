"""Settings come from the environment, parsed strictly; production refuses to start unsafe."""

import subprocess
import sys

import pytest

from monitor.env import ConfigError, env_bool, env_list, env_secret

PRODUCTION = {
    "MONITOR_ENV": "production",
    "MONITOR_SECRET_KEY": "k" * 20 + "-not-a-real-secret-but-long-enough-0123456789",
    "MONITOR_ALLOWED_HOSTS": "monitor.example.org",
    "DATABASE_URL": "sqlite:////tmp/monitor-settings-test.sqlite3",
}


def run_monitor(args, env, tmp_path):
    base = {"PATH": "/usr/bin:/bin", "MONITOR_VAR_DIR": str(tmp_path)}
    return subprocess.run(
        [sys.executable, "-m", "monitor", *args],
        env={**base, **env},
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize("value", ["1", "true", "Yes", "ON"])
def test_env_bool_accepts_true_spellings(value):
    assert env_bool("X", False, {"X": value}) is True


@pytest.mark.parametrize("value", ["ture", "2", "enabled"])
def test_env_bool_rejects_anything_else(value):
    with pytest.raises(ConfigError, match="is not a boolean"):
        env_bool("X", False, {"X": value})


def test_env_list_rejects_wildcards_and_empty_items():
    assert env_list("H", [], {"H": "a.org, b.org"}) == ["a.org", "b.org"]
    with pytest.raises(ConfigError, match="may not contain"):
        env_list("H", [], {"H": "*"})
    with pytest.raises(ConfigError, match="empty item"):
        env_list("H", [], {"H": "a.org,,b.org"})


def test_secret_from_file(tmp_path):
    path = tmp_path / "key"
    path.write_text("s3cret\n")
    assert env_secret("K", {"K_FILE": str(path)}) == "s3cret"
    with pytest.raises(ConfigError, match="not both"):
        env_secret("K", {"K": "x", "K_FILE": str(path)})
    with pytest.raises(ConfigError, match="cannot be read"):
        env_secret("K", {"K_FILE": str(tmp_path / "missing")})


def test_local_runs_generate_and_keep_a_secret_key(tmp_path):
    proc = run_monitor(["check"], {}, tmp_path)
    assert proc.returncode == 0, proc.stderr
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    run_monitor(["check"], {}, tmp_path)
    assert (tmp_path / "secret_key").read_text() == key


@pytest.mark.parametrize("missing", ["MONITOR_SECRET_KEY", "MONITOR_ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without_its_secrets(tmp_path, missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    proc = run_monitor(["check"], env, tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        f"monitor: configuration error: MONITOR_ENV=production requires {missing}"
    )
    assert not (tmp_path / "secret_key").exists()


def test_production_refuses_debug(tmp_path):
    proc = run_monitor(["check"], {**PRODUCTION, "MONITOR_DEBUG": "true"}, tmp_path)
    assert proc.returncode == 2
    assert "MONITOR_DEBUG cannot be true" in proc.stderr


def test_bad_values_are_one_line_errors(tmp_path):
    proc = run_monitor(["check"], {"MONITOR_DEBUG": "maybe"}, tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        "monitor: configuration error: MONITOR_DEBUG='maybe' is not a boolean; "
        "use one of: true, false, 1, 0, yes, no"
    )
    proc = run_monitor(["check"], {"MONITOR_ENV": "staging"}, tmp_path)
    assert "MONITOR_ENV='staging' is not one of: development, production" in proc.stderr


def test_production_passes_the_deploy_checklist(tmp_path):
    proc = run_monitor(["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION, tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "no issues" in proc.stdout


def test_database_url_selects_the_engine(tmp_path):
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    env = {
        "DATABASE_URL": "postgres://u@127.0.0.1:5432/db",
        "PATH": "/usr/bin:/bin",
        "MONITOR_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "monitor.settings",
    }
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert proc.stdout.strip() == "django.db.backends.postgresql"
    env.pop("DATABASE_URL")
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert proc.stdout.strip() == "django.db.backends.sqlite3"
