"""Colour palettes for maps and charts, chosen to stay distinguishable with colour-vision
deficiencies, and contrast helpers (WCAG 2.x relative luminance).

- Categorical colours are Okabe & Ito's (2008) colour-blind-safe set.
- `SEQUENTIAL_5` is ColorBrewer's YlGnBu (5 classes), marked colour-blind safe by ColorBrewer,
  ordered light (low) to dark (high).
- Borders: `border_for(fill)` picks white or dark grey, whichever contrasts more with the
  fill; either way the contrast is at least 3.5:1 (WCAG non-text contrast asks for 3:1).
"""

from __future__ import annotations

OKABE_ITO = {
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "bluish_green": "#009E73",
    "reddish_purple": "#CC79A7",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
}

#: Series colours for charts, in order.
CATEGORICAL = (
    OKABE_ITO["blue"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["bluish_green"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["orange"],
    OKABE_ITO["sky_blue"],
)

#: Treaty status (values of `monitor.rules.treaties.Status`) -> fill.
STATUS_PALETTE = {
    "state_party": OKABE_ITO["blue"],
    "joined_pending_eif": OKABE_ITO["sky_blue"],
    "withdrawal_pending": OKABE_ITO["orange"],
    "withdrawn": OKABE_ITO["vermillion"],
    "signatory": OKABE_ITO["yellow"],
    "non_signatory": OKABE_ITO["reddish_purple"],
}

SEQUENTIAL_5 = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")

#: Countries and areas without data.
NO_DATA = "#d9d9d9"

WHITE = "#ffffff"
DARK = "#333333"
TEXT = "#1a1a1a"
MUTED_TEXT = "#4d4d4d"


def _channel(c: float) -> float:
    c /= 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """WCAG relative luminance of a #rrggbb (or #rgb) colour."""
    h = colour.lstrip("#")
    if len(h) == 3:
        h = "".join(ch * 2 for ch in h)
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def border_for(fill: str) -> str:
    """The border colour (white or dark grey) that contrasts more with `fill`."""
    return WHITE if contrast(fill, WHITE) >= contrast(fill, DARK) else DARK
