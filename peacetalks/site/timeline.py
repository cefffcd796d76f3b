"""The timeline as SVG drawn at build time: one row per meeting, document and demand, each mark
spanning exactly the days its date may mean (a whole month for '2025-03', the full interval for
'2021-11~/2022-02~'), approximate and uncertain dates drawn dashed. Readable without JavaScript.

Well-formed XML whatever the records hold: every text goes through xmltext.escape. Safe at the
calendar's edges (0001-01-01, 9999-12-31), which the check does not let through anyway:
positions are computed on day numbers, and margins stop at the calendar's ends."""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass

from .. import edtf
from .xmltext import escape

# Sizes in SVG units. Each timeline is drawn twice, for wide and for narrow screens, and the CSS
# (docs/assets/peacetalks.css) shows one. The wide drawing has a label column beside the marks; the
# CSS never lets it shrink below MIN_WIDTH CSS px (a screen too narrow for that gets the narrow
# drawing), so FONT units are never less than FONT * MIN_WIDTH / WIDTH = 12.4 CSS px on screen. The
# narrow one puts each row's label above its marks across the whole width, for phones; it never
# shrinks below NARROW_MIN_WIDTH CSS px, so its text stays at least FONT * 310 / 360 = 12.05 CSS px.
WIDTH = 720
MIN_WIDTH = 640
NARROW_WIDTH = 360
NARROW_MIN_WIDTH = 310
LABEL = 240  # the label column
PAD = 12
ROW = 24
LINE = 17  # the height of a label's line
AXIS = 28
FONT = 14
LABEL_CHARS = 27  # a label wraps onto as many lines as it needs, never cut
TICK_CHAR = 0.65 * FONT  # the widest a character of an axis label ("Jan 2025") is likely to be
NARROW_CHARS = 36  # a label's line in the narrow drawing (its whole width, less a margin for wide letters)


@dataclass(frozen=True)
class Layout:
    """Where a drawing puts things: its width, the label column (0: labels above the marks), wrapping."""

    name: str  # "wide" or "narrow": the drawing's data-layout
    width: int
    label: int
    chars: int

    @property
    def left(self) -> int:
        """Where the plot begins: after the label column, or at a small margin when labels sit above."""
        return self.label or 4


WIDE = Layout("wide", WIDTH, LABEL, LABEL_CHARS)
NARROW = Layout("narrow", NARROW_WIDTH, 0, NARROW_CHARS)


# Meetings and documents are bars; a demand's occasion is a bar over the days its date may mean with
# a symbol on it, coloured by the status it leaves the demand in (keys of the `standing` enum in
# schema/defs.schema.json; "unchanged" for an act that changes nothing) and shaped by the act's
# role, so that the key never rests on colour alone. Every colour has 3:1 contrast on white.
COLOURS = {
    "meeting": "#1f5fa8",
    "document": "#6b4c9a",
    "open": "#b3541e",
    "under-discussion": "#8a6d00",
    "pending-response": "#00758f",
    "accepted": "#1b5e20",
    "accepted-with-conditions": "#2e7d32",
    "partially-accepted": "#558b2f",
    "rejected": "#b00020",
    "partially-rejected": "#c2185b",
    "withdrawn": "#5c5c5c",
    "met": "#004d40",
    "failed": "#212121",
    "unchanged": "#607d8b",
    "unknown": "#555555",
}
SHAPES = ("circle", "diamond", "square")  # makes, responds, neither


@dataclass(frozen=True)
class Mark:
    span: edtf.Span
    kind: str  # a COLOURS key
    title: str  # the tooltip: what and when, in words
    shape: str = ""  # one of SHAPES: an occasion's symbol, drawn over its bar; "" for a plain bar


@dataclass(frozen=True)
class Row:
    label: str
    href: str
    marks: tuple[Mark, ...]


def _x(day: int, first: int, last: int, layout: Layout = WIDE) -> float:
    """The x coordinate of a day, all three as ordinals (dt.date.toordinal): plain numbers, which
    a day after the calendar's last cannot overflow."""
    total = max(last - first, 1)
    return layout.left + (day - first) / total * (layout.width - layout.left - PAD)


def shift(day: dt.date, days: int) -> dt.date:
    """`day` moved by `days`, stopping at the calendar's first or last day instead of overflowing."""
    return dt.date.fromordinal(min(max(day.toordinal() + days, 1), dt.date.max.toordinal()))


def recent_window(last: dt.date) -> tuple[dt.date, dt.date]:
    """The period a 'recent' timeline ending at `last` draws: from the first of the month a year
    before, to 16 days after (both kept inside the calendar)."""
    end = shift(last, 16)
    return dt.date(max(end.year - 1, dt.MINYEAR), end.month, 1), end


def _ticks(first: dt.date, last: dt.date, narrow: bool = False) -> list[tuple[dt.date, str]]:
    """The axis's labelled ticks: years or months, fewer of them on the narrow drawing."""
    years = last.year - first.year
    if years >= 3:
        step = (1 if years <= 6 else 5 if years <= 30 else 10) if narrow else (1 if years <= 12 else 5)
        return [(dt.date(y, 1, 1), str(y)) for y in range(first.year + 1, last.year + 1) if y % step == 0]
    months = (last.year - first.year) * 12 + last.month - first.month
    if narrow:
        step = 1 if months <= 4 else 3 if months <= 14 else 6 if months <= 24 else 12
    else:
        step = 1 if months <= 8 else 3 if months <= 24 else 6
    out: list[tuple[dt.date, str]] = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        day = dt.date(year, month, 1)
        if day > first and (month - 1) % step == 0:
            out.append((day, day.strftime("%b %Y") if month == 1 or not out else day.strftime("%b")))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def lines(text: str, chars: int = LABEL_CHARS) -> list[str]:
    """A label wrapped onto lines of at most `chars` characters (a longer word keeps its own line)."""
    return textwrap.wrap(" ".join(text.split()), chars, break_long_words=False, break_on_hyphens=False) or [""]


def _label_height(row: Row, layout: Layout) -> int:
    """In the narrow drawing, the height of the label above the row's marks; 0 in the wide one."""
    return 0 if layout.label else 4 + LINE * len(lines(row.label, layout.chars))


def _height(row: Row, layout: Layout = WIDE) -> int:
    if not layout.label:
        return _label_height(row, layout) + ROW
    return max(ROW, 8 + LINE * len(lines(row.label, layout.chars)))


def precision_words(span: edtf.Span) -> str:
    """What a span's date leaves unknown, in words: ', month not known' for a year-only date."""
    return ", month not known" if span.start.precision == "year" and span.end.precision == "year" else ""


def draw(
    rows: list[Row], ident: str, title: str, description: str, window: tuple[dt.date, dt.date] | None = None, layout: Layout = WIDE
) -> str:
    """The SVG for `rows`; every piece of text escaped. `ident` makes the ids unique on a page.

    With `window`, only that period is drawn and marks reaching beyond it are cut at its edges.
    `layout` is WIDE (labels in a column beside the marks) or NARROW (each label above its marks)."""
    spans = [mark.span for row in rows for mark in row.marks]
    if not spans:
        return ""
    if window:
        first, last = window
    else:
        first = shift(min(s.first for s in spans), -15)
        last = shift(max(s.last for s in spans), 16)
    width = layout.width
    height = AXIS + sum(_height(row, layout) for row in rows) + PAD
    e = escape
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="group" '
        f'aria-labelledby="{ident}-title {ident}-desc" class="peacetalks-timeline" '
        f'data-layout="{layout.name}" data-label-width="{layout.label or width}">',
        f'<title id="{ident}-title">{e(title)}</title>',
        f'<desc id="{ident}-desc">{e(description)}</desc>',
        f'<clipPath id="{ident}-plot"><rect x="{layout.label}" y="0" width="{width - layout.label}" height="{height}"/></clipPath>',
        '<g class="axis" aria-hidden="true">',
    ]
    right = 0.0  # where the last tick's label ends
    for day, text in _ticks(first, last, narrow=not layout.label):
        x = _x(day.toordinal(), first.toordinal(), last.toordinal(), layout)
        out.append(f'<line x1="{x:.1f}" y1="{AXIS - 6}" x2="{x:.1f}" y2="{height - PAD}" stroke="#c8c8c8" stroke-width="1"/>')
        wide = len(text) * TICK_CHAR  # a generous guess at the label's width
        end = x + 3 + wide > width  # a label that would run past the edge ends at its tick instead
        start = x - 3 - wide if end else x + 3
        if start < right + 6:
            continue  # it would touch the previous label: the line alone marks this tick
        right = x - 3 if end else x + 3 + wide
        anchor = ' text-anchor="end"' if end else ""
        out.append(f'<text x="{x + (-3 if end else 3):.1f}" y="{AXIS - 10}" font-size="{FONT}" fill="#333333"{anchor}>{e(text)}</text>')
    out.append("</g>")
    y = AXIS
    for row in rows:
        out.extend(_row(row, y, ident, first, last, layout))
        y += _height(row, layout)
    out.append("</svg>")
    return "\n".join(out)


def _row(row: Row, y: int, ident: str, first: dt.date, last: dt.date, layout: Layout = WIDE) -> list[str]:
    """A row: one link (to the row's page) holding its label, wrapped, and its marks; its accessible
    name says every mark in words, so that a keyboard or screen reader gets what a pointer's tooltips give.
    In the narrow drawing the label takes the row's first lines and the marks the lane below."""
    e = escape
    name = "; ".join([row.label, *(mark.title for mark in row.marks)])
    wrapped = lines(row.label, layout.chars)
    text = "".join(f'<tspan x="4" y="{y + 16 + LINE * i}">{e(line)}</tspan>' for i, line in enumerate(wrapped))
    return [
        f'<a href="{e(row.href)}" aria-label="{e(name)}"><title>{e(row.label)}</title>',
        f'<rect class="peacetalks-row" x="0" y="{y}" width="{layout.width}" height="{_height(row, layout)}" fill="transparent"/>',
        f'<text font-size="{FONT}" fill="#1a1a1a">{text}</text>',
        f'<g clip-path="url(#{ident}-plot)">',
        *_marks(row, y + _label_height(row, layout), first, last, layout),
        "</g></a>",
    ]


def _marks(row: Row, y: int, first: dt.date, last: dt.date, layout: Layout = WIDE) -> list[str]:
    """A row's marks: plain bars, and occasions as lighter bars with their symbols on top."""
    plain: list[str] = []
    occasions: list[tuple[Mark, str, float]] = []  # the mark, its bar, where its symbol belongs
    for mark in row.marks:
        x0, width = _extent(mark, first, last, layout)
        if mark.shape:
            occasions.append((mark, _bar(mark, y, x0, width, 0.3), x0 + width / 2))
        else:
            plain.append(_bar(mark, y, x0, width))
    if not occasions:
        return plain
    centres = _spread([centre for _, _, centre in occasions], layout.left + GLYPH / 2, layout.width - PAD - GLYPH / 2)
    symbols = "".join(
        _glyph(mark.shape, COLOURS.get(mark.kind, "#555555"), centre, y + 12)
        for (mark, _, _), centre in zip(occasions, centres, strict=True)
    )
    # The symbols come after every bar of the row, so that no bar covers one; in the same order as the bars.
    return [
        *plain,
        *(f'<g class="peacetalks-occasion">{bar}</g>' for _, bar, _ in occasions),
        f'<g class="peacetalks-symbols">{symbols}</g>',
    ]


def _spread(wanted: list[float], low: float, high: float) -> list[float]:
    """Symbol centres as near as possible to `wanted` (in order) without overlapping: symbols that
    would touch are laid side by side, centred on where they belong, and kept inside [low, high]
    unless they belong outside it (a window's edge cuts those)."""
    step = GLYPH + 1
    clusters: list[list[float]] = []

    def start(cluster: list[float]) -> float:
        left = sum(cluster) / len(cluster) - (len(cluster) - 1) * step / 2
        if all(low <= c <= high for c in cluster):
            left = min(max(left, low), max(high - (len(cluster) - 1) * step, low))
        return left

    for centre in wanted:
        clusters.append([centre])
        while len(clusters) > 1 and start(clusters[-2]) + len(clusters[-2]) * step > start(clusters[-1]):
            clusters[-2:] = [clusters[-2] + clusters[-1]]
    return [start(cluster) + index * step for cluster in clusters for index in range(len(cluster))]


GLYPH = 10  # the width of an occasion's symbol


def _extent(mark: Mark, first: dt.date, last: dt.date, layout: Layout = WIDE) -> tuple[float, float]:
    x0 = _x(mark.span.first.toordinal(), first.toordinal(), last.toordinal(), layout)
    x1 = _x(mark.span.last.toordinal() + 1, first.toordinal(), last.toordinal(), layout)  # the end of its last day
    return x0, max(x1 - x0, 4.0)


def _bar(mark: Mark, y: int, x0: float, width: float, opacity: float = 1.0) -> str:
    """A mark's bar, drawn as precisely as its date is known: a year-only date a faint span, an
    approximate (~) one dashed, an uncertain (?) one dotted with a question mark after it."""
    colour = COLOURS.get(mark.kind, "#555555")
    if precision_words(mark.span):
        opacity = min(opacity, 0.15)
    fill = f'fill="{colour}"' + (f' fill-opacity="{opacity}"' if opacity < 1 else "")
    if mark.span.uncertain:
        style = f'fill="{colour}" fill-opacity="{min(opacity, 0.35)}" stroke="{colour}" stroke-width="1.5" stroke-dasharray="1.5 2.5"'
    elif mark.span.approximate:
        style = f'fill="{colour}" fill-opacity="{min(opacity, 0.35)}" stroke="{colour}" stroke-width="1.5" stroke-dasharray="4 3"'
    else:
        style = f'{fill} stroke="{colour}" stroke-width="1"'
    bar = f'<rect x="{x0:.1f}" y="{y + 5}" width="{width:.1f}" height="14" rx="2" {style}><title>{escape(mark.title)}</title></rect>'
    if mark.span.uncertain:
        bar += f'<text class="peacetalks-flag" x="{x0 + width + 2:.1f}" y="{y + 17}" font-size="{FONT}" font-weight="700">?</text>'
    return bar


def _glyph(shape: str, colour: str, cx: float, cy: float) -> str:
    """An occasion's symbol (SHAPES) centred on (cx, cy), outlined in white so neighbours stay apart."""
    r = GLYPH / 2
    paint = f'class="peacetalks-symbol" fill="{colour}" stroke="#ffffff" stroke-width="1.5" aria-hidden="true"'
    if shape == "circle":
        return f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r:.1f}" {paint}/>'
    if shape == "diamond":
        d = r + 1
        return f'<polygon points="{cx:.1f},{cy - d:.1f} {cx + d:.1f},{cy:.1f} {cx:.1f},{cy + d:.1f} {cx - d:.1f},{cy:.1f}" {paint}/>'
    return f'<rect x="{cx - r + 0.5:.1f}" y="{cy - r + 0.5:.1f}" width="{GLYPH - 1}" height="{GLYPH - 1}" {paint}/>'


def swatch(kind: str, shape: str = "", date: str = "") -> str:
    """The key's picture of a mark: a bar, or a lighter bar with an occasion's symbol on it; with
    `date` ("2022", "2022~", "2022-03?"), the bar drawn as a date of that precision is."""
    colour = COLOURS.get(kind, "#555555")
    if date:
        bar = _bar(Mark(edtf.parse(date), kind, ""), -3, 0, 22).replace("<title></title>", "")
        return f'<svg width="36" height="18" viewBox="0 0 36 18" aria-hidden="true" focusable="false" class="peacetalks-swatch">{bar}</svg>'
    fill = f'fill="{colour}"' + (' fill-opacity="0.3"' if shape else "")
    bar = f'<rect x="0" y="2" width="28" height="14" rx="2" {fill} stroke="{colour}"/>'
    glyph = _glyph(shape, colour, 14, 9) if shape else ""
    return f'<svg width="28" height="18" viewBox="0 0 28 18" aria-hidden="true" focusable="false">{bar}{glyph}</svg>'


def legend(kinds: list[str]) -> list[tuple[str, str]]:
    """(kind, colour) for the kinds present, in the table's order."""
    return [(k, COLOURS[k]) for k in COLOURS if k in kinds]
