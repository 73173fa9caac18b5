"""Shared pieces for the `monitor` management commands.

Contract for every command: an invalid argument (unknown treaty, bad date, unknown country)
exits with status 2 and a one-line error on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from monitor.rules.treaties import TREATIES

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class UsageError(CommandError):
    def __init__(self, message: str):
        super().__init__(message, returncode=2)


class _OneLineParser(CommandParser):
    def error(self, message: str):  # type: ignore[override]
        if self.called_from_command_line:
            sys.stderr.write(f"{self.prog}: error: {message}\n")
            sys.exit(2)
        raise CommandError(f"Error: {message}", returncode=2)


class MonitorCommand(BaseCommand):
    def create_parser(self, prog_name: str, subcommand: str, **kwargs) -> CommandParser:
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.__class__ = _OneLineParser
        return parser

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except CommandError as exc:
            if exc.returncode == 1:
                exc.returncode = 2 if isinstance(exc, UsageError) else 1
            raise


def iso_date(value: str) -> date:
    """argparse type: strict YYYY-MM-DD."""
    if not _ISO_DATE.match(value):
        raise argparse.ArgumentTypeError(f"invalid date {value!r}: expected YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid date {value!r}: no such day") from None


def treaty_code(value: str) -> str:
    code = value.strip().lower()
    if code not in TREATIES:
        raise argparse.ArgumentTypeError(
            f"unknown treaty {value!r}: expected one of {', '.join(TREATIES)}"
        )
    return code
