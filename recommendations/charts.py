"""Server-side SVG charts for the dashboards, drawn by templates/shared/chart_*.html.

These functions only work out the geometry; the templates draw it. Every chart
is an `<svg role="img">` labelled by its `<title>` and `<desc>` (the desc states
every number, so a screen reader announces the whole chart), every bar carries
its label and count as text, every stacked segment its letter (or, too narrow,
is listed in words under the chart), so colour only repeats what the words say,
and each page puts the same numbers in a table next to the chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from recommendations.rag import NOT_RATED

# The one set of RAG colours (assets/scss/_rag.scss holds the same values for tags and keys). Each
# fill has at least 3:1 contrast with white, the page behind a bar and the 2-unit white gap drawn
# between touching segments (WCAG 1.4.11); tests/recommendations/test_charts.py checks both files.
FILL = {
    "blue": "#1d70b8",
    "green": "#00703c",
    "amber": "#e07000",
    "red": "#d4351c",
    NOT_RATED: "#505a5f",
}
# Text drawn on a fill: whichever of white or black has at least 4.5:1 contrast with it.
INK = {"blue": "#ffffff", "green": "#ffffff", "amber": "#0b0c0c", "red": "#ffffff", NOT_RATED: "#ffffff"}
# Letters drawn inside stacked segments, explained by the key under the chart.
LETTER = {"blue": "B", "green": "G", "amber": "A", "red": "R", NOT_RATED: "N"}
# The white line between touching segments, in drawing units.
GAP = 2

# Drawn narrow (360 units) and shown at most 440 px wide (assets/scss/_responsive.scss): its 16-unit
# text is then 19 px on a desktop and still 12.8 px in the 290 px a 320 px screen leaves.
FONT_SIZE = 16
MIN_FONT_PX_AT_320 = 12
LABEL_WIDTH = 110
PLOT_WIDTH = 204
COUNT_WIDTH = 46
WIDTH = LABEL_WIDTH + PLOT_WIDTH + COUNT_WIDTH
ROW_HEIGHT = 34
BAR_HEIGHT = 24
TOP = 8
# A segment this wide shows its letter and count ("G 12"); narrower but this wide, its letter only;
# narrower still it is listed under the chart.
WIDE_SEGMENT = 44
LETTER_SEGMENT = 16


MAX_LABEL_WIDTH = 170


def _label_width(labels: Sequence[str]) -> int:
    """Returns the room the longest label needs at FONT_SIZE (Arial averages under 0.55 em); the
    plot gives up what the labels take, so the chart stays WIDTH wide and its text legible."""
    longest = max((len(label) for label in labels), default=0)
    return max(LABEL_WIDTH, min(MAX_LABEL_WIDTH, round(longest * FONT_SIZE * 0.55) + 12))


def _plot_width(label_width: int) -> int:
    return WIDTH - label_width - COUNT_WIDTH


def _row_y(index: int) -> int:
    """Returns the top of the bar in row `index` (from 0)."""
    return TOP + index * ROW_HEIGHT


def _text_y(row_y: int) -> int:
    """Returns the baseline of the text on a bar whose top is `row_y`."""
    return row_y + BAR_HEIGHT // 2 + 6


def _height(rows: int) -> int:
    """Returns the height of a chart of `rows` bars."""
    return TOP * 2 + ROW_HEIGHT * rows


@dataclass(frozen=True)
class Bar:
    label: str
    value: str
    count: int
    y: int
    width: float
    fill: str
    text_y: int
    count_x: float


@dataclass(frozen=True, kw_only=True)
class Chart:
    """What every chart's template needs: its id, title, the sentence stating every number, and size."""

    id: str
    title: str
    description: str
    width: int = WIDTH
    label_width: int = LABEL_WIDTH

    @property
    def bar_count(self) -> int:
        raise NotImplementedError

    @property
    def height(self) -> int:
        return _height(self.bar_count)


@dataclass(frozen=True, kw_only=True)
class BarChart(Chart):
    """A horizontal bar per rating, labelled with its words and number."""

    bars: list[Bar]

    @property
    def bar_count(self) -> int:
        return len(self.bars)


def bar_chart(*, id: str, title: str, subject: str, counts: Sequence[dict[str, Any]]) -> BarChart:
    """Returns a bar chart of `counts` (`{value, label, count}` rows); `subject` names what is counted."""
    largest = max((item["count"] for item in counts), default=0) or 1
    label_width = _label_width([item["label"] for item in counts])
    plot_width = _plot_width(label_width)
    bars = []
    for index, item in enumerate(counts):
        y = _row_y(index)
        width = plot_width * item["count"] / largest
        bars.append(
            Bar(
                label=item["label"],
                value=item["value"],
                count=item["count"],
                y=y,
                width=round(width, 1),
                fill=FILL[item["value"]],
                text_y=_text_y(y),
                count_x=round(label_width + width + 6, 1),
            )
        )
    total = sum(item["count"] for item in counts)
    parts = ", ".join(f"{item['label']} {item['count']}" for item in counts)
    description = f"{subject} by RAG rating, {total} in all: {parts}."
    return BarChart(id=id, title=title, description=description, bars=bars, label_width=label_width)


@dataclass(frozen=True)
class Segment:
    value: str
    label: str
    count: int
    x: float
    width: float
    fill: str
    ink: str
    letter: str
    # What a segment shows: its letter and count, its letter, or nothing (then listed under the chart).
    text: str

    @property
    def show_text(self) -> bool:
        return bool(self.text)


@dataclass(frozen=True)
class StackedRow:
    label: str
    y: int
    text_y: int
    total: int
    segments: list[Segment] = field(default_factory=list)

    @property
    def unlettered(self) -> list[Segment]:
        """Returns the segments too narrow to carry a letter; the chart lists them in words."""
        return [segment for segment in self.segments if not segment.text]


@dataclass(frozen=True, kw_only=True)
class StackedChart(Chart):
    """One horizontal bar per reporting period, split into the ratings in a fixed order."""

    rows: list[StackedRow]
    # Where each row's total is drawn: just right of the plot, wherever the labels end (they take their
    # room from the plot).
    total_x: int = LABEL_WIDTH + PLOT_WIDTH + 6

    @property
    def bar_count(self) -> int:
        return len(self.rows)

    @property
    def unlettered(self) -> list[StackedRow]:
        """Returns the rows with a segment too narrow to letter."""
        return [row for row in self.rows if row.unlettered]


def stacked_chart(
    *, id: str, title: str, subject: str, rows: Sequence[tuple[str, Sequence[dict[str, Any]]]]
) -> StackedChart:
    """Returns a stacked bar chart; `rows` are `(label, counts)` with counts as in `bar_chart`."""
    largest = max((sum(item["count"] for item in counts) for _label, counts in rows), default=0) or 1
    label_width = _label_width([label for label, _counts in rows])
    plot_width = _plot_width(label_width)
    drawn = []
    sentences = []
    for index, (label, counts) in enumerate(rows):
        y = _row_y(index)
        x = float(label_width)
        segments = []
        for item in counts:
            if not item["count"]:
                continue
            width = plot_width * item["count"] / largest
            letter = LETTER[item["value"]]
            text = f"{letter} {item['count']}" if width >= WIDE_SEGMENT else letter if width >= LETTER_SEGMENT else ""
            segments.append(
                Segment(
                    value=item["value"],
                    label=item["label"],
                    count=item["count"],
                    x=round(x, 1),
                    width=round(width, 1),
                    fill=FILL[item["value"]],
                    ink=INK[item["value"]],
                    letter=letter,
                    text=text,
                )
            )
            x += width
        total = sum(item["count"] for item in counts)
        drawn.append(StackedRow(label=label, y=y, text_y=_text_y(y), total=total, segments=segments))
        parts = ", ".join(f"{item['label']} {item['count']}" for item in counts if item["count"])
        sentences.append(f"{label}: {parts or 'none'}")
    description = f"{subject} by RAG rating in each period. " + "; ".join(sentences) + "."
    return StackedChart(id=id, title=title, description=description, rows=drawn, label_width=label_width)


def key() -> list[dict[str, str]]:
    """Returns the letters, words and colours the stacked charts use, in drawing order."""
    from recommendations import rag as rag_rules

    return [
        {"value": value, "letter": LETTER[value], "label": rag_rules.label(value), "fill": FILL[value]}
        for value in rag_rules.ORDER
    ]
