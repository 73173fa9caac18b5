"""Current vs proposed, figure by figure and text by text (pure functions)."""

from __future__ import annotations

import difflib
import html
from dataclasses import dataclass


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    current: str
    proposed: str

    @property
    def changed(self) -> bool:
        return self.current != self.proposed


def fields_diff(
    current: dict[str, str] | None, proposed: dict[str, str], labels: dict[str, str]
) -> list[FieldChange]:
    """One row per field named in `labels` order (then any others): current and proposed text.

    `current` is None for a new record (every current value is empty).
    """
    current = current or {}
    names = [n for n in labels if n in proposed or n in current]
    names += [n for n in proposed if n not in labels]
    return [
        FieldChange(n, labels.get(n, n), _text(current.get(n)), _text(proposed.get(n)))
        for n in names
    ]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def text_diff_html(current: str, proposed: str) -> str:
    """Word-level diff as HTML: removed words in <del>, added words in <ins>; escaped."""
    a = current.split(" ") if current else []
    b = proposed.split(" ") if proposed else []
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(html.escape(" ".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            out.append(f"<del>{html.escape(' '.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{html.escape(' '.join(b[j1:j2]))}</ins>")
    return " ".join(out).replace("\n", "<br>")
