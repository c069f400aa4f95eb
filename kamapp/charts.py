"""Server-rendered SVG charts: the same markup serves the web page and the PDF packets.

Each function returns a complete `<svg>` element as a safe string with a `<title>` for
screen readers, sized by viewBox so CSS decides the rendered width.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

PALETTE = ["#4f46e5", "#0d9488", "#d97706", "#db2777", "#2563eb", "#65a30d"]
SWATCHES = {"brand": PALETTE[0], "teal": PALETTE[1], "amber": PALETTE[2]}  # app.css .swatch.*
AXIS = "#94a3b8"
GRID = "#e2e8f0"
TEXT = "#475569"


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]  # one per label; None leaves a gap
    color: str = ""


def _fmt(value: float) -> str:
    magnitude = abs(value)
    if magnitude >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if magnitude >= 10_000:
        return f"{value / 1_000:.0f}k"
    if magnitude >= 100 or value == int(value):
        return f"{value:.0f}"
    return f"{value:.1f}"


def nice_ticks(low: float, high: float, count: int = 5, whole: bool = False) -> list[float]:
    """About `count` round tick values (steps of 1, 2 or 5 × 10ⁿ) covering low..high; steps
    of at least 1 for `whole` numbers (counts)."""
    if low == high:
        low, high = low - 1, high + 1
    raw = (high - low) / (count - 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    fraction = raw / magnitude  # the round step nearest the raw one (Heckbert's nice numbers)
    step = magnitude * (1 if fraction < 1.5 else 2 if fraction < 3 else 5 if fraction < 7 else 10)
    if whole:
        step = max(step, 1)
    first, last = math.floor(low / step), math.ceil(high / step)
    # rounded so that 0.1 × 3 reads 0.3, not 0.30000000000000004
    return [round(n * step, 10) for n in range(first, last + 1)]


def _tick_label(value: float, step: float) -> str:
    if step >= 1:
        return _fmt(value)
    return f"{value:.{-math.floor(math.log10(step))}f}"


def line_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    width: int = 640,
    height: int = 220,
    guides: Sequence[tuple[str, float]] = (),
    kind: str = "line",
) -> SafeString:
    """Lines (or grouped bars with kind="bar") over `labels`, with optional horizontal guide
    lines such as a KPI's baseline and target."""
    present = [v for s in series for v in s.values if v is not None]
    if not labels or not present:
        return format_html(
            '<svg class="chart chart-empty" viewBox="0 0 {} {}" role="img"><title>{}</title>'
            '<text x="50%" y="50%" text-anchor="middle" fill="{}" font-size="13">No data yet'
            "</text></svg>",
            width,
            60,
            title,
            TEXT,
        )
    # room on both sides for half a date label centred under the first and last points
    left, right, top, bottom = 48, 30, 12, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    everything = present + [value for _, value in guides]
    ticks = nice_ticks(
        min([*everything, 0] if kind == "bar" else everything),
        max(everything),
        whole=all(float(v).is_integer() for v in everything),
    )
    low, high = ticks[0], ticks[-1]

    def x(index: int) -> float:
        if kind == "bar":
            return left + plot_w * (index + 0.5) / len(labels)
        return left + (plot_w * index / (len(labels) - 1) if len(labels) > 1 else plot_w / 2)

    def y(value: float) -> float:
        return top + plot_h * (1 - (value - low) / (high - low))

    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="sans-serif">',
        f"<title>{escape(title)}</title>",
    ]
    step = round(ticks[1] - ticks[0], 10)
    for value in ticks:
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y(value) + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="{TEXT}">{_tick_label(value, step)}</text>'
        )
    every = max(1, len(labels) // 8)
    for index, label in enumerate(labels):
        if index % every == 0 or index == len(labels) - 1:
            parts.append(
                f'<text x="{x(index):.1f}" y="{height - 8}" text-anchor="middle" font-size="11" '
                f'fill="{TEXT}">{escape(label)}</text>'
            )
    for name, value in guides:
        # above its line, or below it when the line runs along the top of the plot
        label_y = y(value) - 5 if y(value) - 5 >= top + 11 else y(value) + 14
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            f'stroke="{AXIS}" stroke-dasharray="4 4" stroke-width="1.5"/>'
            f'<text x="{width - right - 4}" y="{label_y:.1f}" text-anchor="end" '
            f'font-size="11" fill="{TEXT}">{escape(name)} {_fmt(value)}</text>'
        )
    for number, line in enumerate(series):
        color = line.color or PALETTE[number % len(PALETTE)]
        if kind == "bar":
            parts.extend(_bars(line, number, len(series), x, y, low, plot_w / len(labels), color))
        else:
            parts.extend(_line(line, x, y, color))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped


def _line(line: Series, x, y, color: str) -> list[str]:
    points = [(x(i), y(v)) for i, v in enumerate(line.values) if v is not None]
    path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
    out = [
        f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2.5" '
        f'stroke-linejoin="round" stroke-linecap="round"><title>{escape(line.name)}</title>'
        "</polyline>"
    ]
    out += [f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{color}"/>' for px, py in points]
    return out


def _bars(line: Series, number: int, count: int, x, y, low: float, slot: float, color: str):
    bar = slot * 0.7 / count
    for index, value in enumerate(line.values):
        if value is None:
            continue
        top, base = min(y(value), y(max(low, 0))), max(y(value), y(max(low, 0)))
        left = x(index) - slot * 0.35 + bar * number
        yield (
            f'<rect x="{left:.1f}" y="{top:.1f}" width="{bar:.1f}" height="{base - top:.1f}" '
            f'rx="2" fill="{color}"><title>{escape(line.name)}: {_fmt(value)}</title></rect>'
        )


def sparkline(values: Sequence[float | None], *, title: str, width: int = 120, height: int = 28):
    present = [v for v in values if v is not None]
    if len(present) < 2:
        return format_html('<span class="sparkline-empty" title="{}">&ndash;</span>', title)
    low, high = min(present), max(present)
    span = (high - low) or 1
    step = width / (len(values) - 1)
    points = " ".join(
        f"{i * step:.1f},{height - 2 - (v - low) / span * (height - 4):.1f}"
        for i, v in enumerate(values)
        if v is not None
    )
    return format_html(
        '<svg class="sparkline" viewBox="0 0 {} {}" role="img"><title>{}</title>'
        '<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/></svg>',
        width,
        height,
        title,
        points,
        PALETTE[0],
    )


@dataclass(frozen=True)
class Dot:
    row: int  # 1-based, drawn bottom-up
    col: int  # 1-based, left to right
    color: str
    title: str
    href: str = ""
    came_from: tuple[int, int] | None = None  # (row, col) to draw an arrow from


@dataclass(frozen=True)
class Crowd:
    """A cell holding too many items to draw one dot each: its count, the mix of their
    colours as a bar, and a link to the list of them."""

    count: int
    mix: tuple[tuple[str, int], ...]  # (colour, how many), drawn left to right
    href: str = ""


LEVEL_FILL = {1: "#fee2e2", 2: "#fef3c7", 3: "#dcfce7"}


def matrix(
    rows: dict[int, str],
    cols: dict[int, str],
    fill: dict[tuple[int, int], int],
    dots: Sequence[Dot],
    *,
    title: str,
    marked: set[tuple[int, int]] = frozenset(),
    cell: int = 130,
    crowds: dict[tuple[int, int], Crowd] | None = None,
    flows: dict[tuple[tuple[int, int], tuple[int, int]], int] | None = None,
) -> SafeString:
    """A rows × cols grid (row 1 at the bottom), cells shaded by level, one dot per item with
    an optional arrow from where it came from, a count per cell, `marked` cells hatched.
    `crowds` draws a cell as a count and a colour bar instead of dots, `flows` one arrow per
    (from cell, to cell) labelled with how many moved, so the size of the picture does not
    grow with the number of items."""
    left, top, bottom = 150, 10, 40
    width, height = left + cell * len(cols) + 10, top + cell * len(rows) + bottom
    crowds = crowds or {}
    count: dict[tuple[int, int], int] = {key: crowd.count for key, crowd in crowds.items()}
    for dot in dots:
        count[(dot.row, dot.col)] = count.get((dot.row, dot.col), 0) + 1

    def origin(r: int, c: int) -> tuple[float, float]:
        return left + (c - 1) * cell, top + (len(rows) - r) * cell

    parts = [
        # a group, not an image: its dots are links to the accounts
        f'<svg class="chart matrix" viewBox="0 0 {width} {height}" role="group" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" '
        'font-family="sans-serif">',
        f"<title>{escape(title)}</title>",
        '<defs><pattern id="nofly" width="8" height="8" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="8" stroke="#94a3b8" '
        'stroke-width="2"/></pattern><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 '
        'L0,10 z" fill="#334155"/></marker></defs>',
    ]
    for r, label in rows.items():
        x, y = origin(r, 1)
        parts.append(
            f'<text x="{left - 8}" y="{y + cell / 2 + 4:.0f}" text-anchor="end" '
            f'font-size="12" fill="{TEXT}">{escape(label)}</text>'
        )
        for c in cols:
            x, y = origin(r, c)
            parts.append(
                f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" '
                f'fill="{LEVEL_FILL.get(fill.get((r, c)), "#f1f5f9")}" stroke="#fff" '
                'stroke-width="2"/>'
            )
            if (r, c) in marked:
                parts.append(
                    f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" '
                    'fill="url(#nofly)" opacity=".35"/>'
                )
            if count.get((r, c)):
                parts.append(
                    f'<text x="{x + cell - 8}" y="{y + 16}" text-anchor="end" '
                    f'font-size="12" font-weight="700" fill="#334155">'
                    f"{count[(r, c)]}</text>"
                )
    for c, label in cols.items():
        x, _ = origin(1, c)
        parts.append(
            f'<text x="{x + cell / 2}" y="{height - 14}" text-anchor="middle" '
            f'font-size="12" fill="{TEXT}">{escape(label)}</text>'
        )
    for (r, c), crowd in crowds.items():
        parts.append(_crowd(crowd, *origin(r, c), cell))
    for (source, target), n in (flows or {}).items():
        (fx, fy), (tx, ty) = origin(*source), origin(*target)
        parts.append(
            f'<line class="move" x1="{fx + cell / 2:.0f}" y1="{fy + cell / 2:.0f}" '
            f'x2="{tx + cell / 2:.0f}" y2="{ty + cell / 2:.0f}" stroke="#334155" '
            f'stroke-width="{min(1.2 + n / 10, 6):.1f}" opacity=".55" marker-end="url(#arrow)">'
            f"<title>{n} moved</title></line>"
        )
    placed: dict[tuple[int, int], int] = {}
    # Dots in a cell sit on a grid at least a dot and a gap apart (18 px for 14 px dots), as
    # many to a row as the cell holds: side by side, never on top of each other.
    per_row = max(2, int((cell - 16) // 18))
    spacing = (cell - 32) / (per_row - 1)
    for dot in dots:
        n = placed.get((dot.row, dot.col), 0)
        placed[(dot.row, dot.col)] = n + 1
        x, y = origin(dot.row, dot.col)
        cx = x + 16 + (n % per_row) * spacing
        cy = y + 30 + (n // per_row) * 18
        if dot.came_from and dot.came_from != (dot.row, dot.col):
            fx, fy = origin(*dot.came_from)
            parts.append(
                f'<line class="move" x1="{fx + cell / 2:.0f}" y1="{fy + cell / 2:.0f}" '
                f'x2="{cx:.0f}" y2="{cy:.0f}" stroke="#334155" stroke-width="1.2" '
                'opacity=".55" marker-end="url(#arrow)"/>'
            )
        circle = (
            f'<circle class="dot" cx="{cx:.0f}" cy="{cy:.0f}" r="7" fill="{dot.color}" '
            f'stroke="#fff" stroke-width="1.5"><title>{escape(dot.title)}</title></circle>'
        )
        link = f'<a href="{escape(dot.href)}" aria-label="{escape(dot.title)}">{circle}</a>'
        parts.append(link if dot.href else circle)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped


def _crowd(crowd: Crowd, x: float, y: float, cell: int) -> str:
    """A crowded cell: a large count and a bar of its colours, the whole cell a link."""
    bar, parts = cell - 24, []
    total, at = max(crowd.count, 1), x + 12
    for color, n in crowd.mix:
        w = bar * n / total
        parts.append(
            f'<rect x="{at:.1f}" y="{y + cell - 34}" width="{w:.1f}" height="10" '
            f'fill="{color}"><title>{n}</title></rect>'
        )
        at += w
    parts.append(
        f'<text x="{x + cell / 2:.0f}" y="{y + cell / 2 + 6:.0f}" text-anchor="middle" '
        f'font-size="26" font-weight="700" fill="#334155">{crowd.count}</text>'
    )
    body = "".join(parts)
    if not crowd.href:
        return body
    return (
        f'<a class="crowd" href="{escape(crowd.href)}"><title>Show these {crowd.count}</title>'
        f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" fill="transparent"/>{body}</a>'
    )


def score_bars(items: Sequence[tuple[str, float | None]], *, title: str, width: int = 560):
    """One horizontal 0–100 bar per (label, score); a score of None is drawn as "no data"."""
    label_w, row_h, bar_h = 200, 30, 16
    track = width - label_w - 50
    parts = []
    for n, (label, value) in enumerate(items):
        y = n * row_h + 6
        parts.append(
            format_html(
                '<text x="0" y="{}" font-size="12" fill="{}">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" rx="3" fill="{}"/>',
                y + 12,
                TEXT,
                label,
                label_w,
                y,
                track,
                bar_h,
                GRID,
            )
        )
        if value is None:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="11" fill="{}">no data</text>',
                    label_w + 6,
                    y + 12,
                    AXIS,
                )
            )
            continue
        color = "#059669" if value >= 70 else ("#d97706" if value >= 40 else "#dc2626")
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" rx="3" fill="{}"/>'
                '<text x="{}" y="{}" font-size="12" font-weight="600" fill="{}">{}</text>',
                label_w,
                y,
                f"{track * max(0, min(100, value)) / 100:.1f}",
                bar_h,
                color,
                label_w + track + 8,
                y + 12,
                TEXT,
                round(value),
            )
        )
    height = len(items) * row_h + 6
    return format_html(
        '<svg class="score-bars" viewBox="0 0 {} {}" role="img"><title>{}</title>{}</svg>',
        width,
        height,
        title,
        mark_safe("".join(parts)),
    )


def stacked_bars(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    width: int = 640,
    height: int = 200,
) -> SafeString:
    """One bar per label, its series stacked bottom-up (e.g. accounts per health band each
    week); a legend below names the colours."""
    totals = [sum(s.values[i] or 0 for s in series) for i in range(len(labels))]
    if not labels or not any(totals):
        return line_chart(labels, series, title=title, width=width)
    left, right, top, bottom = 40, 8, 8, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    high = max(totals)
    slot = plot_w / len(labels)
    bar = max(2.0, slot * 0.7)
    parts = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" '
        f'stroke="{AXIS}"/>',
        f'<text x="{left - 6}" y="{top + 10}" text-anchor="end" font-size="11" '
        f'fill="{TEXT}">{_fmt(high)}</text>',
    ]
    every = max(1, len(labels) // 6)
    for i, label in enumerate(labels):
        base = top + plot_h
        x = left + i * slot + (slot - bar) / 2
        for n, line in enumerate(series):
            value = line.values[i] or 0
            if not value:
                continue
            h = plot_h * value / high
            base -= h
            color = line.color or PALETTE[n % len(PALETTE)]
            parts.append(
                f'<rect x="{x:.1f}" y="{base:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{color}"><title>{escape(label)}: {escape(line.name)} '
                f"{_fmt(value)}</title></rect>"
            )
        if i % every == 0:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{top + plot_h + 14}" text-anchor="middle" '
                f'font-size="10" fill="{TEXT}">{escape(label)}</text>'
            )
    for n, line in enumerate(series):
        x = left + n * 110
        color = line.color or PALETTE[n % len(PALETTE)]
        parts.append(
            f'<rect x="{x}" y="{height - 14}" width="10" height="10" fill="{color}"/>'
            f'<text x="{x + 14}" y="{height - 5}" font-size="11" fill="{TEXT}">'
            f"{escape(line.name)}</text>"
        )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img"><title>{}</title>{}</svg>',
        width,
        height,
        title,
        mark_safe("".join(parts)),
    )
