"""The `monitor` console script: Django's manage.py under the project's name.

Every management command is a subcommand (`monitor migrate`, `monitor treaty-status`, ...).
A configuration error is printed as one line and exits with status 2, never as a traceback.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "monitor.settings")
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "monitor"
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        # Load settings up front: Django would otherwise swallow the error and report
        # a confusing "unknown command" instead of what is wrong with the environment.
        settings.INSTALLED_APPS  # noqa: B018
    except ImproperlyConfigured as exc:
        print(f"monitor: configuration error: {exc}", file=sys.stderr)
        sys.exit(2)

    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(argv)
    except BrokenPipeError:
        # Output piped into `head` and the like: stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)


if __name__ == "__main__":
    main()
