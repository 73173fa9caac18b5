import json
import sys

from django.contrib.auth import get_user_model

from monitor.commands import MonitorCommand, UsageError, _OneLineParser
from monitor.editorial.models import Assignment
from monitor.editorial.roles import ROLE_GROUPS, Role, role_of
from monitor.editorial.services import (
    PROPOSABLE_THEMES,
    EditorialError,
    NotAllowed,
    assignment_add,
    user_create,
    user_role_set,
)


def _user(username: str):
    User = get_user_model()
    name = (username or "").strip()
    user = User.objects.filter(username=name).first()
    user = user or User.objects.filter(username__iexact=name).first()
    if user is None:
        raise UsageError(f"unknown user {username!r} (monitor user list shows them)")
    return user


class Command(MonitorCommand):
    help = (
        "Editorial accounts from the command line (trusted: no login needed). Roles: "
        f"{', '.join(ROLE_GROUPS)}. A researcher proposes changes only for the countries "
        "(and themes) assigned to them.\n\n"
        "  monitor user add alice --role researcher --email alice@example.org --password-stdin\n"
        "  monitor user assign alice AFG\n"
        "  monitor user assign alice AFG --theme casualties\n"
        "  monitor user role alice editor\n"
        "  monitor user list"
    )
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        sub = parser.add_subparsers(
            dest="action", metavar="ACTION", required=True, parser_class=_OneLineParser
        )

        add = sub.add_parser("add", help="create an account with one role")
        add.add_argument("username", metavar="USERNAME", help="the login name")
        add.add_argument(
            "--role", required=True, choices=list(ROLE_GROUPS), help="the account's role"
        )
        add.add_argument("--email", default="", help="address for notifications")
        add.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from the first line of standard input "
            "(without it, the account cannot sign in until a password is set)",
        )

        assign = sub.add_parser("assign", help="assign a researcher to a country")
        assign.add_argument("username", metavar="USERNAME", help="a researcher's login name")
        assign.add_argument("country", metavar="ISO3", help="country code, e.g. AFG")
        assign.add_argument(
            "--theme",
            default="",
            help=f"only this theme (default: every theme): {', '.join(PROPOSABLE_THEMES)}",
        )

        listing = sub.add_parser("list", help="accounts with their role and assignments")
        listing.add_argument(
            "--format", choices=["text", "json"], default="text", help="output format"
        )

        role = sub.add_parser("role", help="give an account another role")
        role.add_argument("username", metavar="USERNAME", help="the login name")
        role.add_argument("role", metavar="ROLE", choices=list(ROLE_GROUPS), help="the new role")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except (EditorialError, NotAllowed) as exc:
            field = getattr(exc, "field", None)
            prefix = f"{field}: " if field and field not in str(exc) else ""
            raise UsageError(f"{prefix}{exc}") from None

    def _add(self, *, username, role, email, password_stdin, stdin=None, **options):
        password = None
        if password_stdin:
            password = (stdin or sys.stdin).readline().rstrip("\r\n")
            if not password:
                raise UsageError("--password-stdin: standard input holds no password")
        user = user_create(actor=None, username=username, email=email, role=role, password=password)
        hint = "" if password else " (no password yet: monitor changepassword USERNAME)"
        self.stdout.write(f"created {user.username} ({role}){hint}")

    def _assign(self, *, username, country, theme, **options):
        user = _user(username)
        assignment = assignment_add(actor=None, user=user, country=country, theme=theme)
        self.stdout.write(
            f"{user.username} may propose changes for {assignment.country_id}"
            f" ({assignment.theme or 'every theme'})"
        )

    def _role(self, *, username, role, **options):
        user = _user(username)
        before = role_of(user)
        user_role_set(actor=None, user=user, role=role)
        was = before.group if before != Role.NONE else "no role"
        self.stdout.write(f"{user.username}: {was} -> {role}")

    def _list(self, *, format, **options):
        User = get_user_model()
        users = list(User.objects.order_by("username").prefetch_related("groups"))
        assignments: dict[int, list[str]] = {}
        for a in Assignment.objects.order_by("country_id", "theme"):
            label = f"{a.country_id}/{a.theme}" if a.theme else a.country_id
            assignments.setdefault(a.user_id, []).append(label)
        rows = []
        for user in users:
            names = {g.name for g in user.groups.all()}
            role = max((ROLE_GROUPS[n] for n in names if n in ROLE_GROUPS), default=Role.NONE)
            if user.is_superuser:
                role = Role.ADMINISTRATOR
            rows.append(
                {
                    "username": user.username,
                    "role": role.group if role != Role.NONE else "",
                    "email": user.email,
                    "active": user.is_active,
                    "assignments": assignments.get(user.pk, []),
                }
            )
        if format == "json":
            self.stdout.write(json.dumps(rows, indent=2))
            return
        if not rows:
            self.stdout.write("no accounts (monitor user add USERNAME --role ROLE)")
        for row in rows:
            extra = "" if row["active"] else "  [inactive]"
            assigned = f"  assigned: {', '.join(row['assignments'])}" if row["assignments"] else ""
            self.stdout.write(
                f"{row['username']:<20} {row['role'] or '-':<14} {row['email'] or '-'}"
                f"{assigned}{extra}"
            )
