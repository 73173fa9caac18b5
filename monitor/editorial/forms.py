"""Forms of the back office: they parse input only. The services check everything that
matters (permissions, figures, citations) and their problems are shown next to the fields
with `add_problems`."""

from __future__ import annotations

from django import forms

from monitor.editorial import narrative as nar
from monitor.editorial.roles import ROLE_GROUPS
from monitor.editorial.selectors import column_label
from monitor.editorial.services import NEW_SOURCE_KEY, PROPOSABLE_THEMES
from monitor.research.models import Source
from monitor.research.themes import THEMES, Theme

# --- accounts ------------------------------------------------------------------------------


class LoginForm(forms.Form):
    username = forms.CharField(max_length=150, widget=forms.TextInput(attrs={"autofocus": True}))
    password = forms.CharField(strip=False, widget=forms.PasswordInput)
    otp_token = forms.CharField(
        label="Two-factor code",
        required=False,
        max_length=8,
        help_text="Only if you have set up two-factor sign-in: the 6 digits your "
        "authenticator app shows now.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"

    def require_code(self) -> None:
        """Mark the code as required (the account has two-factor sign-in)."""
        self.fields["otp_token"].required = True
        self.fields["otp_token"].widget.attrs["required"] = True


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label="Token name",
        max_length=100,
        help_text="What it is for, e.g. “import script on my laptop”.",
    )


class TotpConfirmForm(forms.Form):
    token = forms.CharField(
        label="Code from your authenticator app",
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}
        ),
    )


class TotpDisableForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


# --- team ----------------------------------------------------------------------------------

ROLE_CHOICES = [(name, name.capitalize()) for name in ROLE_GROUPS]


def theme_choices(all_label: str = "All themes") -> list[tuple[str, str]]:
    return [("", all_label)] + [(n, THEMES[n].label) for n in PROPOSABLE_THEMES]


class UserCreateForm(forms.Form):
    username = forms.CharField(max_length=150)
    email = forms.EmailField(required=False, help_text="Notifications are sent here.")
    role = forms.ChoiceField(choices=ROLE_CHOICES, initial="researcher")
    password = forms.CharField(
        label="Initial password",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Optional. Without one the account cannot sign in until a password is set.",
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=ROLE_CHOICES)


class AssignmentForm(forms.Form):
    user = forms.TypedChoiceField(label="Researcher", choices=(), coerce=int)
    country = forms.ChoiceField(choices=())
    theme = forms.ChoiceField(choices=(), required=False)

    def __init__(self, *args, countries, researchers, **kwargs):
        super().__init__(*args, auto_id="id_assign_%s", **kwargs)
        self.fields["user"].choices = [("", "— choose —"), *researchers]
        self.fields["country"].choices = [("", "— choose —"), *countries]
        self.fields["theme"].choices = theme_choices()


# --- proposals -----------------------------------------------------------------------------

SOURCE_FIELDS = ("title", "url", "publisher", "publication_date", "quote")
_SOURCE_LABELS = {
    "title": "Title of the new source",
    "url": "Link (URL)",
    "publisher": "Publisher",
    "publication_date": "Publication date",
    "quote": "Quote",
}
_SOURCE_HELP = {
    "publication_date": "YYYY, YYYY-MM or YYYY-MM-DD, as precise as the source is.",
    "quote": "The shortest passage showing the figure.",
}
REASON_HELP = "Why this change: the editor reads this first."


def _reason_field() -> forms.CharField:
    return forms.CharField(
        label="Why",
        help_text=REASON_HELP,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why: the editor reads this first."},
    )


class _ProposalForm(forms.Form):
    """Fields shared by both kinds: edition, a new source and the reason."""

    def _add_common(self, editions: list[str], new_source_help: str) -> None:
        self.fields["edition"] = forms.ChoiceField(
            choices=[(e, e) for e in editions],
            help_text="The report edition the change belongs to (open editions only).",
        )
        for name in SOURCE_FIELDS:
            widget = forms.Textarea(attrs={"rows": 2}) if name == "quote" else None
            self.fields[f"src_{name}"] = forms.CharField(
                label=_SOURCE_LABELS[name],
                required=False,
                widget=widget or (forms.URLInput() if name == "url" else forms.TextInput()),
                help_text=_SOURCE_HELP.get(name, "")
                or (new_source_help if name == "title" else ""),
            )
        self.fields["reason"] = _reason_field()

    def new_source(self) -> dict:
        data = {n: self.cleaned_data.get(f"src_{n}", "") for n in SOURCE_FIELDS}
        return data if any(v.strip() for v in data.values()) else {}

    @property
    def source_fields(self):
        return [self[f"src_{n}"] for n in SOURCE_FIELDS]

    def problem_field(self, path: str | None) -> str | None:
        """The form field a service problem (e.g. "payload.total") belongs to, or None."""
        if not path:
            return None
        if path == "new_source":
            return "src_title"
        if path.startswith("new_source."):
            name = "src_" + path.split(".", 1)[1]
            return name if name in self.fields else "src_title"
        if path.startswith("payload."):
            path = path.split(".", 1)[1]
        return path if path in self.fields else None

    def add_problems(self, problems) -> None:
        """Show a service's (field, message) problems next to the fields they concern."""
        seen = set()
        for path, message in problems:
            name = self.problem_field(path)
            if (name, message) in seen or (name and message in self.errors.get(name, [])):
                continue
            seen.add((name, message))
            self.add_error(name, message)


class RecordProposalForm(_ProposalForm):
    """One input per column of the theme (the country is the proposal's), plus the source."""

    kind = "record"

    def __init__(self, *args, theme: Theme, editions: list[str], sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.theme = theme
        self.column_names = []
        for column in theme.columns:
            if column.lookup:  # country is fixed; the source has its own field below
                continue
            label = column_label(theme, column.name)
            if column.convert.__name__ == "_bool":
                field = forms.ChoiceField(
                    choices=[("", "—"), ("yes", "Yes"), ("no", "No")], required=False
                )
            elif column.choices:
                choices = dict(theme.model._meta.get_field(column.name).choices or ())
                field = forms.ChoiceField(
                    choices=[("", "—")] + [(c, choices.get(c, c)) for c in column.choices],
                    required=False,
                )
            elif column.name in ("quote", "note"):
                field = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
            else:
                field = forms.CharField(required=False)
            field.label = label
            field.help_text = column.help
            if column.required:
                # The service reports a missing value; the browser can say it earlier.
                field.widget.attrs.update({"required": True})
                field.label = f"{label} (required)"
            self.fields[column.name] = field
            self.column_names.append(column.name)
        self.fields["source"] = forms.ChoiceField(
            label="Source",
            choices=[
                ("", "— choose a stored source, or a new one —"),
                (NEW_SOURCE_KEY, "A new source (give it below)"),
            ]
            + [(s.key, f"{s.title} [{s.key}]") for s in sources],
            required=False,
            help_text="Every figure cites a source.",
        )
        self._add_common(editions, "Fill in when the source above is “a new source”.")

    @property
    def column_fields(self):
        return [self[n] for n in self.column_names]

    def payload(self, country: str) -> dict[str, str]:
        cells = {n: (self.cleaned_data.get(n) or "").strip() for n in self.column_names}
        cells["country"] = country
        cells["source"] = self.cleaned_data.get("source") or ""
        return cells

    def submitted_new_source(self) -> dict:
        """The new source, only when the figure cites one (else stored sources are used)."""
        if self.cleaned_data.get("source") not in ("", NEW_SOURCE_KEY):
            return {}
        return self.new_source()


def record_initial(cells: dict[str, str], *, correction: bool) -> dict[str, str]:
    """Form values from a record's cells; a correction brings its own quote and notes."""
    initial = {k: v for k, v in cells.items() if k != "country"}
    if correction:
        for name in ("quote", "note", "confidence", "preferred", "preferred_reason"):
            initial.pop(name, None)
    return initial


class NarrativeProposalForm(_ProposalForm):
    kind = "narrative"

    def __init__(self, *args, editions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"] = forms.ChoiceField(choices=nar.SECTIONS)
        self.fields["body"] = forms.CharField(
            label="Text (Markdown)",
            strip=False,
            widget=forms.Textarea(attrs={"rows": 18, "cols": 80}),
            help_text="Cite a stored source as [@source-key], with a page as "
            "[@source-key, p. 12]; cite the new source below as [@new].",
        )
        self._add_common(editions, "Only if the text cites [@new].")


class MessageForm(forms.Form):
    """A comment or an editor's note; several on one page, so each has its own ids."""

    message = forms.CharField(
        label="Message", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, action: str, label: str = "Message", help_text: str = "", **kw):
        super().__init__(*args, auto_id=f"id_{action}_%s", **kw)
        self.action = action
        self.fields["message"].label = label
        self.fields["message"].help_text = help_text


def source_choices():
    return Source.objects.order_by("title").only("key", "title")
