"""Server-side SVG charts for the dashboards, drawn by templates/shared/chart_*.html.

These functions only work out the geometry; the templates draw it. Every chart
is an `<svg role="img">` labelled by its `<title>` and `<desc>` (the desc states
every number, so a screen reader announces the whole chart), every bar carries
its label and count as text, so colour only repeats what the words say, and
each page puts the same numbers in a table next to the chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from recommendations.rag import NOT_RATED

# GOV.UK Frontend's palette, matching the RAG tags and summary counts.
FILL = {
    "blue": "#1d70b8",
    "green": "#00703c",
    "amber": "#f47738",
    "red": "#d4351c",
    NOT_RATED: "#b1b4b6",
}
# Text drawn on a bar: white where it has enough contrast (4.5:1), black otherwise.
INK = {"blue": "#ffffff", "green": "#ffffff", "amber": "#0b0c0c", "red": "#ffffff", NOT_RATED: "#0b0c0c"}
# Letters drawn inside stacked segments, explained by the key under the chart.
LETTER = {"blue": "B", "green": "G", "amber": "A", "red": "R", NOT_RATED: "N"}

WIDTH = 640
LABEL_WIDTH = 150
PLOT_WIDTH = 420
ROW_HEIGHT = 34
BAR_HEIGHT = 24
TOP = 8


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
    height: int = 0
    label_width: int = LABEL_WIDTH


@dataclass(frozen=True, kw_only=True)
class BarChart(Chart):
    """A horizontal bar per rating, labelled with its words and number."""

    bars: list[Bar]


def bar_chart(*, id: str, title: str, subject: str, counts: Sequence[dict[str, Any]]) -> BarChart:
    """Returns a bar chart of `counts` (`{value, label, count}` rows); `subject` names what is counted."""
    largest = max((item["count"] for item in counts), default=0) or 1
    bars = []
    for index, item in enumerate(counts):
        y = _row_y(index)
        width = PLOT_WIDTH * item["count"] / largest
        bars.append(Bar(
            label=item["label"], value=item["value"], count=item["count"], y=y, width=round(width, 1),
            fill=FILL[item["value"]], text_y=_text_y(y),
            count_x=round(LABEL_WIDTH + width + 8, 1),
        ))
    total = sum(item["count"] for item in counts)
    parts = ", ".join(f"{item['label']} {item['count']}" for item in counts)
    description = f"{subject} by RAG rating, {total} in all: {parts}."
    return BarChart(id=id, title=title, description=description, bars=bars, height=_height(len(counts)))


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
    # Only a segment wide enough for its text shows it; the table has every number.
    show_text: bool


@dataclass(frozen=True)
class StackedRow:
    label: str
    y: int
    text_y: int
    total: int
    segments: list[Segment] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class StackedChart(Chart):
    """One horizontal bar per reporting period, split into the ratings in a fixed order."""

    rows: list[StackedRow]
    total_x: int = LABEL_WIDTH + PLOT_WIDTH + 8


def stacked_chart(*, id: str, title: str, subject: str,
                  rows: Sequence[tuple[str, Sequence[dict[str, Any]]]]) -> StackedChart:
    """Returns a stacked bar chart; `rows` are `(label, counts)` with counts as in `bar_chart`."""
    largest = max((sum(item["count"] for item in counts) for _label, counts in rows), default=0) or 1
    drawn = []
    sentences = []
    for index, (label, counts) in enumerate(rows):
        y = _row_y(index)
        x = float(LABEL_WIDTH)
        segments = []
        for item in counts:
            if not item["count"]:
                continue
            width = PLOT_WIDTH * item["count"] / largest
            segments.append(Segment(
                value=item["value"], label=item["label"], count=item["count"], x=round(x, 1),
                width=round(width, 1), fill=FILL[item["value"]], ink=INK[item["value"]],
                letter=LETTER[item["value"]], show_text=width >= 30,
            ))
            x += width
        total = sum(item["count"] for item in counts)
        drawn.append(StackedRow(label=label, y=y, text_y=_text_y(y), total=total, segments=segments))
        parts = ", ".join(f"{item['label']} {item['count']}" for item in counts if item["count"])
        sentences.append(f"{label}: {parts or 'none'}")
    description = f"{subject} by RAG rating in each period. " + "; ".join(sentences) + "."
    return StackedChart(id=id, title=title, description=description, rows=drawn, height=_height(len(rows)))


def key() -> list[dict[str, str]]:
    """Returns the letters, words and colours the stacked charts use, in drawing order."""
    from recommendations import rag as rag_rules

    return [
        {"value": value, "letter": LETTER[value], "label": rag_rules.label(value), "fill": FILL[value]}
        for value in rag_rules.ORDER
    ]
