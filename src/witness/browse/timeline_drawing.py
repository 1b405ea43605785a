"""The timeline drawn as SVG on the server: one row per item, in time order, under an axis of
years.

A span or a date known to the year or the month is a bar over all its days (a year is the
whole year, never its first of January); a day or an instant is a diamond on its day. An
event placed by a work about it (:mod:`witness.browse.timeline`) is a hollow, dashed bar:
it happened by then. Bars are coloured by kind, with the colours and the legend of the
graph drawings (:data:`witness.browse.drawing.KINDS`), and each row is a link to the
entity's page. As in :mod:`witness.browse.drawing`, colours are presentation attributes
(the site's Content Security Policy forbids inline styles) and every text is escaped.
"""

from __future__ import annotations

from datetime import date
from html import escape

from witness.browse.dates import year_of
from witness.browse.drawing import KINDS
from witness.browse.timeline import Item

WIDTH = 960
LABELS = 300
"""Room on the left for the items' labels."""
ROW = 24
TOP = 56
"""Room above the rows for the axis and the legend."""
RIGHT = 24
LABEL = 38
"""Most characters of a label drawn (the whole label is in the row's tooltip)."""
STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000)
"""Years between the axis' ticks: the first that draws at most :data:`TICKS` of them."""
TICKS = 12


def svg(items: tuple[Item, ...], title: str, href: dict[str, str]) -> str:
    """The drawing of ``items`` (each row a link to ``href[item.iri]`` where there is one)."""
    height = TOP + ROW * max(len(items), 1) + 16
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 {WIDTH} {height}"'
        f' width="{WIDTH}" height="{height}" role="group" aria-labelledby="timeline-title"'
        ' font-family="system-ui, sans-serif">',
        f'<title id="timeline-title">{escape(title)}</title>',
        '<rect width="100%" height="100%" fill="#ffffff"/>',
    ]
    if not items:
        out.append(
            f'<text x="{WIDTH / 2}" y="{TOP}" text-anchor="middle" font-size="14"'
            ' fill="#3c4043">No dated entity matches.</text></svg>\n'
        )
        return "\n".join(out)
    first = year_of(min(item.first for item in items))
    last = year_of(max(item.last for item in items))
    step = next((s for s in STEPS if (last - first) // s + 1 <= TICKS), STEPS[-1])
    start, stop = first - first % step, last - last % step + step
    scale = _Scale(start, stop)
    out.append(_axis(scale, start, stop, step, height))
    out.append(_legend(items))
    for row, item in enumerate(items):
        out.append(_row(item, row, scale, href.get(item.iri, "")))
    out.append("</svg>")
    return "\n".join(out) + "\n"


class _Scale:
    """Days to x, from 1 January of ``start`` to 1 January of ``stop``."""

    def __init__(self, start: int, stop: int) -> None:
        self.origin = date(max(start, 1), 1, 1).toordinal()
        self.days = max(date(min(stop, 9999), 1, 1).toordinal() - self.origin, 1)

    def x(self, iso: str, *, after: bool = False) -> float:
        """Where the day ``iso`` begins (or, with ``after``, ends)."""
        try:
            day = date.fromisoformat(iso).toordinal() + (1 if after else 0)
        except ValueError:
            day = self.origin
        fraction = (day - self.origin) / self.days
        return LABELS + fraction * (WIDTH - LABELS - RIGHT)


def _axis(scale: _Scale, start: int, stop: int, step: int, height: int) -> str:
    parts = ['<g class="axis" font-size="12" fill="#3c4043">']
    for year in range(start, stop + 1, step):
        x = scale.x(f"{max(year, 1):04}-01-01")
        parts.append(
            f'<line x1="{x:.1f}" y1="{TOP - 14}" x2="{x:.1f}" y2="{height - 8}" stroke="#dadce0"/>'
            f'<text x="{x:.1f}" y="{TOP - 18}" text-anchor="middle">{year}</text>'
        )
    parts.append("</g>")
    return "".join(parts)


def _legend(items: tuple[Item, ...]) -> str:
    kinds = [kind for kind in KINDS if any(item.kind == kind for item in items)]
    parts = ['<g class="legend" font-size="12" fill="#1d1d1f">']
    x = 8.0
    for kind in kinds:
        name, colour = KINDS[kind]
        parts.append(
            f'<rect x="{x:.0f}" y="8" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 16:.0f}" y="18">{escape(name)}</text>'
        )
        x += 28 + 7 * len(name)
    parts.append("</g>")
    return "".join(parts)


def _row(item: Item, row: int, scale: _Scale, href: str) -> str:
    y = TOP + row * ROW
    colour = KINDS.get(item.kind, KINDS["other"])[1]
    name = f"{item.label}, {item.what} {item.text}" if item.what else f"{item.label}, {item.text}"
    if item.dated_by:
        name = f"{item.label}, {item.what}"
    x1, x2 = scale.x(item.first), scale.x(item.last, after=True)
    middle = y + ROW / 2
    if item.dated_by:
        mark = (
            f'<rect x="{x1:.1f}" y="{y + 5}" width="{max(x2 - x1, 6):.1f}" height="{ROW - 10}"'
            f' fill="#ffffff" stroke="{colour}" stroke-width="2" stroke-dasharray="4 3"/>'
        )
    elif item.span:
        mark = (
            f'<rect x="{x1:.1f}" y="{y + 5}" width="{max(x2 - x1, 3):.1f}" height="{ROW - 10}"'
            f' rx="2" fill="{colour}"/>'
        )
    else:
        cx = (x1 + x2) / 2
        mark = (
            f'<path d="M{cx:.1f},{middle - 7} L{cx + 7:.1f},{middle} L{cx:.1f},{middle + 7}'
            f' L{cx - 7:.1f},{middle} z" fill="{colour}"/>'
        )
    text = _cut(item.label, LABEL)
    when = escape(item.text)
    # the date beside its mark: after it, or before it near the right edge
    after = x2 + 12 < WIDTH - 9 * len(item.text)
    wx, anchor = (max(x2, x1 + 7) + 6, "start") if after else (x1 - 9, "end")
    body = (
        f"<title>{escape(name)}</title>"
        f'<rect x="0" y="{y}" width="{WIDTH}" height="{ROW}" fill="#ffffff" fill-opacity="0"/>'
        f'<text x="8" y="{middle + 4:.1f}" font-size="13" fill="#1d1d1f">{escape(text)}</text>'
        f'{mark}<text x="{wx:.1f}" y="{middle + 4:.1f}" font-size="11" fill="#5f6368"'
        f' text-anchor="{anchor}" paint-order="stroke" stroke="#ffffff" stroke-width="3">'
        f"{when}</text>"
    )
    if href:
        return f'<a class="item" href="{escape(href)}">{body}</a>'
    return f'<g class="item">{body}</g>'


def _cut(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"
