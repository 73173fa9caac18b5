"""Text normalisation shared by the indexer and the query parser (framework-free).

Both sides reduce text to lower-case words without accents, made of letters and digits only,
so the full-text engines never see query syntax and both backends match the same way.
"""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Lower case, accents removed: "Côte d'Ivoire" -> "cote d'ivoire"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str) -> list[str]:
    """The folded words of `text`: "Côte d'Ivoire" -> ["cote", "d", "ivoire"]."""
    return _WORD.findall(fold(text))


def terms(*texts: str) -> str:
    """The folded words of the texts, joined by spaces: what the full-text index holds."""
    return " ".join(w for text in texts for w in words(text))


def snippet(body: str, tokens: list[str], *, prefix_last: bool = True, width: int = 180) -> str:
    """About `width` characters of `body` around the first word matching a query token."""
    body = " ".join(body.split())
    if not body:
        return ""
    start = None
    exact = set(tokens[:-1] if prefix_last else tokens)
    last = tokens[-1] if tokens and prefix_last else None
    for m in _WORD.finditer(body):
        for word in words(m.group()):
            if word in exact or (last is not None and word.startswith(last)):
                start = m.start()
                break
        if start is not None:
            break
    if start is None or len(body) <= width:
        return body if len(body) <= width else body[:width].rsplit(" ", 1)[0] + " …"
    begin = max(0, start - width // 3)
    if begin:
        space = body.find(" ", begin)
        begin = space + 1 if 0 <= space < start else begin
    end = min(len(body), begin + width)
    if end < len(body):
        space = body.rfind(" ", begin, end)
        end = space if space > start else end
    text = body[begin:end]
    return ("… " if begin else "") + text + (" …" if end < len(body) else "")
