"""Line and bar charts as SVG strings (no JavaScript).

    line_chart_svg([Series("Casualties", {2020: 4200, 2021: 5544})],
                   title="...", description="...", x_label="Year", y_label="Casualties")

Each chart's root `<svg>` has `role="group"` and `aria-labelledby` pointing to its `<title>`
and `<desc>`; every point or bar has a `<title>` giving its series, x and value (a text
alternative). Numbers use thousands separators. Colours come from the Okabe-Ito set. Empty
data gives a small SVG saying "No data".
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html import escape

from monitor.graphics.palettes import CATEGORICAL, MUTED_TEXT, TEXT, WHITE, border_for

FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
_FONT = 12


@dataclass(frozen=True)
class Series:
    """One named series: x (a year, usually) -> value; None is a gap (no data)."""

    name: str
    values: Mapping[int | str, float | int | None] = field(default_factory=dict)
    colour: str | None = None


@dataclass(frozen=True)
class ReferenceLine:
    """A horizontal line across a line chart at `value` (a target, a threshold), drawn dashed
    and labelled with `label` on the chart itself, so it needs no colour to be read."""

    label: str
    value: float


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values (1, 2, 2.5 or 5 × 10^n steps) covering [low, high]."""
    if high < low:
        low, high = high, low
    if high == low:
        high = low + (abs(low) or 1)
    raw = (high - low) / max(1, count)
    magnitude = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        step = m * magnitude
        if step >= raw:
            break
    start = math.floor(low / step) * step
    stop = math.ceil(high / step) * step
    n = round((stop - start) / step)
    return [round(start + i * step, 10) for i in range(n + 1)]


def format_number(value: float | int) -> str:
    """Thousands separators; at most two decimals, trailing zeros dropped: 12345.5 -> 12,345.5."""
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _id_prefix(kind: str, title: str, description: str) -> str:
    return f"{kind}-" + hashlib.sha1(f"{title}\n{description}".encode()).hexdigest()[:8]


def _open(kind, width, height, title, description, id_prefix) -> list[str]:
    prefix = id_prefix or _id_prefix(kind, title, description)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}"'
        f' width="{width:g}" height="{height:g}" role="group"'
        f' aria-labelledby="{prefix}-title {prefix}-desc"'
        f' font-family="{escape(FONT_FAMILY, quote=True)}" font-size="{_FONT}"'
        f' class="chart {kind}">',
        f'<title id="{prefix}-title">{escape(title)}</title>',
        f'<desc id="{prefix}-desc">{escape(description)}</desc>',
    ]


def no_data_svg(*, title: str, description: str = "No data", width: float = 320) -> str:
    out = _open("chart-empty", width, 60, title, description or "No data", None)
    out.append(
        f'<text x="{width / 2:g}" y="35" text-anchor="middle" fill="{MUTED_TEXT}"'
        f' font-size="14">No data</text></svg>'
    )
    return "\n".join(out)


def _x_values(series: Sequence[Series]) -> list:
    xs = {x for s in series for x, v in s.values.items() if v is not None}
    return sorted(xs, key=lambda x: (isinstance(x, str), x))


def _colours(series: Sequence[Series]) -> list[str]:
    return [s.colour or CATEGORICAL[i % len(CATEGORICAL)] for i, s in enumerate(series)]


class _Frame:
    """Plot area, y scale and the shared axes/labels/legend markup."""

    def __init__(self, *, width, height, y_max, y_min, series, colours, x_label, y_label):
        self.width, self.height = width, height
        self.legend = len(series) > 1
        self.ticks = nice_ticks(min(0.0, y_min), max(y_max, 0.0) or 1.0)
        widest = max(len(format_number(t)) for t in self.ticks)
        self.left = 16 + widest * 7.2 + (18 if y_label else 0)
        self.right = width - 16
        self.top = 16 + (22 if self.legend else 0)
        self.bottom = height - 26 - (18 if x_label else 0)
        self.lo, self.hi = self.ticks[0], self.ticks[-1]
        self.series, self.colours = series, colours
        self.x_label, self.y_label = x_label, y_label

    def y(self, value: float) -> float:
        span = (self.hi - self.lo) or 1
        return self.bottom - (value - self.lo) / span * (self.bottom - self.top)

    def axes(self) -> list[str]:
        out = ['<g class="y-axis" aria-hidden="true">']
        for t in self.ticks:
            y = self.y(t)
            out.append(
                f'<line x1="{self.left:.1f}" x2="{self.right:.1f}" y1="{y:.1f}" y2="{y:.1f}"'
                f' stroke="#d9d9d9" stroke-width="1"/>'
                f'<text x="{self.left - 6:.1f}" y="{y + 4:.1f}" text-anchor="end"'
                f' fill="{TEXT}">{format_number(t)}</text>'
            )
        out.append(
            f'<line x1="{self.left:.1f}" x2="{self.right:.1f}" y1="{self.y(max(self.lo, 0)):.1f}"'
            f' y2="{self.y(max(self.lo, 0)):.1f}" stroke="{MUTED_TEXT}" stroke-width="1"/>'
        )
        if self.y_label:
            cy = (self.top + self.bottom) / 2
            out.append(
                f'<text transform="translate(14 {cy:.1f}) rotate(-90)" text-anchor="middle"'
                f' fill="{TEXT}">{escape(self.y_label)}</text>'
            )
        out.append("</g>")
        if self.x_label:
            out.append(
                f'<text class="x-label" x="{(self.left + self.right) / 2:.1f}"'
                f' y="{self.height - 8:g}" text-anchor="middle" fill="{TEXT}"'
                f' aria-hidden="true">{escape(self.x_label)}</text>'
            )
        if self.legend:
            out.append('<g class="legend">')
            x = self.left
            for s, colour in zip(self.series, self.colours, strict=True):
                out.append(
                    f'<rect x="{x:.1f}" y="8" width="12" height="12" fill="{colour}"'
                    f' stroke="{border_for(colour)}" stroke-width="0.75"/>'
                    f'<text x="{x + 17:.1f}" y="18.5" fill="{TEXT}">{escape(s.name)}</text>'
                )
                x += 17 + len(s.name) * 7 + 16
            out.append("</g>")
        return out

    def x_tick_labels(self, positions: Sequence[tuple[object, float]], slot: float) -> list[str]:
        every = max(1, math.ceil(40 / max(slot, 1)))  # keep labels ~40 px apart
        out = ['<g class="x-axis" aria-hidden="true">']
        for i, (x_value, x) in enumerate(positions):
            if i % every and i != len(positions) - 1:
                continue
            out.append(
                f'<text x="{x:.1f}" y="{self.bottom + 16:.1f}" text-anchor="middle"'
                f' fill="{TEXT}">{escape(str(x_value))}</text>'
            )
        out.append("</g>")
        return out


def _point_title(series: Series, x, value, *, many: bool, unit: str) -> str:
    text = f"{x}: {format_number(value)}{unit}"
    return f"{series.name}, {text}" if many else text


def line_chart_svg(
    series: Sequence[Series],
    *,
    title: str,
    description: str,
    x_label: str = "",
    y_label: str = "",
    width: float = 640,
    height: float = 320,
    unit: str = "",
    id_prefix: str | None = None,
    references: Sequence[ReferenceLine] = (),
) -> str:
    """Lines with a marker (and its value as `<title>`) at every point; None values break the line.

    `references`: horizontal dashed lines (e.g. a target) spanning the plot, each labelled at
    its right end; the y scale always includes them.
    """
    series = [s for s in series if any(v is not None for v in s.values.values())]
    xs = _x_values(series)
    if not xs:
        return no_data_svg(title=title, description=description, width=min(width, 320))
    colours = _colours(series)
    values = [v for s in series for v in s.values.values() if v is not None]
    values += [r.value for r in references]
    frame = _Frame(
        width=width,
        height=height,
        y_max=max(values),
        y_min=min(values),
        series=series,
        colours=colours,
        x_label=x_label,
        y_label=y_label,
    )
    n = len(xs)
    inner = 12
    span = frame.right - frame.left - 2 * inner
    step = span / (n - 1) if n > 1 else 0
    x_pos = {x: frame.left + inner + (i * step if n > 1 else span / 2) for i, x in enumerate(xs)}
    out = _open("line-chart", width, height, title, description, id_prefix)
    out += frame.axes()
    out += frame.x_tick_labels([(x, x_pos[x]) for x in xs], step or span)
    out += _reference_lines(frame, references, unit)
    many = len(series) > 1
    for s, colour in zip(series, colours, strict=True):
        out.append(f'<g class="series" aria-label="{escape(s.name, quote=True)}">')
        segments: list[list[str]] = [[]]
        for x in xs:
            v = s.values.get(x)
            if v is None:
                segments.append([])
                continue
            segments[-1].append(f"{x_pos[x]:.1f},{frame.y(v):.1f}")
        for seg in segments:
            if len(seg) > 1:
                out.append(
                    f'<polyline points="{" ".join(seg)}" fill="none" stroke="{colour}"'
                    f' stroke-width="2.5" stroke-linejoin="round" aria-hidden="true"/>'
                )
        for x in xs:
            v = s.values.get(x)
            if v is None:
                continue
            label = escape(_point_title(s, x, v, many=many, unit=unit))
            out.append(
                f'<circle cx="{x_pos[x]:.1f}" cy="{frame.y(v):.1f}" r="4" fill="{colour}"'
                f' stroke="{WHITE}" stroke-width="1.5"><title>{label}</title></circle>'
            )
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


def _reference_lines(frame: _Frame, references: Sequence[ReferenceLine], unit: str) -> list[str]:
    out = []
    for ref in references:
        y = frame.y(ref.value)
        text = f"{ref.label}: {format_number(ref.value)}{unit}"
        out.append(
            f'<g class="reference" aria-label="{escape(text, quote=True)}">'
            f"<title>{escape(text)}</title>"
            f'<line x1="{frame.left:.1f}" x2="{frame.right:.1f}" y1="{y:.1f}" y2="{y:.1f}"'
            f' stroke="{TEXT}" stroke-width="1.5" stroke-dasharray="6 4"/>'
            f'<text x="{frame.right - 4:.1f}" y="{y - 5:.1f}" text-anchor="end"'
            f' fill="{TEXT}">{escape(text)}</text></g>'
        )
    return out


def bar_chart_svg(
    series: Sequence[Series],
    *,
    title: str,
    description: str,
    x_label: str = "",
    y_label: str = "",
    mode: str = "grouped",
    width: float = 640,
    height: float = 320,
    unit: str = "",
    id_prefix: str | None = None,
) -> str:
    """Vertical bars per x (year). With 2-3 series, `mode` is "grouped" or "stacked"."""
    if mode not in ("grouped", "stacked"):
        raise ValueError(f"mode must be 'grouped' or 'stacked', not {mode!r}")
    series = [s for s in series if any(v is not None for v in s.values.values())]
    xs = _x_values(series)
    if not xs:
        return no_data_svg(title=title, description=description, width=min(width, 320))
    colours = _colours(series)
    if mode == "stacked":
        if any((v or 0) < 0 for s in series for v in s.values.values()):
            raise ValueError("stacked bars need non-negative values")
        totals = [sum(s.values.get(x) or 0 for s in series) for x in xs]
        y_max, y_min = max(totals), 0.0
    else:
        values = [v for s in series for v in s.values.values() if v is not None]
        y_max, y_min = max(values), min(values)
    frame = _Frame(
        width=width,
        height=height,
        y_max=y_max,
        y_min=y_min,
        series=series,
        colours=colours,
        x_label=x_label,
        y_label=y_label,
    )
    slot = (frame.right - frame.left) / len(xs)
    bar_w = slot * 0.72
    out = _open("bar-chart", width, height, title, description, id_prefix)
    out += frame.axes()
    out += frame.x_tick_labels([(x, frame.left + slot * (i + 0.5)) for i, x in enumerate(xs)], slot)
    many = len(series) > 1
    zero = frame.y(max(frame.lo, 0))
    for si, (s, colour) in enumerate(zip(series, colours, strict=True)):
        out.append(f'<g class="series" aria-label="{escape(s.name, quote=True)}">')
        stroke = border_for(colour)
        for i, x in enumerate(xs):
            v = s.values.get(x)
            if v is None:
                continue
            x0 = frame.left + slot * i + (slot - bar_w) / 2
            if mode == "stacked":
                below = sum(series[j].values.get(x) or 0 for j in range(si))
                y_top, y_bottom = frame.y(below + v), frame.y(below)
                bx, bw = x0, bar_w
            else:
                bw = bar_w / len(series)
                bx = x0 + si * bw
                y_top, y_bottom = (frame.y(v), zero) if v >= 0 else (zero, frame.y(v))
            label = escape(_point_title(s, x, v, many=many, unit=unit))
            out.append(
                f'<rect x="{bx:.1f}" y="{y_top:.1f}" width="{bw:.1f}"'
                f' height="{max(0.0, y_bottom - y_top):.1f}" fill="{colour}"'
                f' stroke="{stroke if many else colour}" stroke-width="0.5">'
                f"<title>{label}</title></rect>"
            )
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)
