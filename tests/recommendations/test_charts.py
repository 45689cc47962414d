"""The dashboard charts (recommendations/charts.py): one colour per rating everywhere, fills and
segment borders of at least 3:1, every segment lettered or listed, text legible at 320 px."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template.loader import render_to_string

from recommendations import charts, rag

ROOT = Path(__file__).resolve().parents[2]
WHITE = "#ffffff"


def _luminance(colour: str) -> float:
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _counts(**numbers: int) -> list[dict[str, object]]:
    return [{"value": value, "label": rag.label(value), "count": numbers.get(value, 0)} for value in rag.ORDER]


def test_contrast_of_known_colours():
    assert contrast("#000000", WHITE) == pytest.approx(21)
    assert contrast("#767676", WHITE) == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("value", rag.ORDER)
def test_every_fill_has_3_to_1_against_white_and_so_against_the_gap_between_segments(value):
    assert contrast(charts.FILL[value], WHITE) >= 3, value


@pytest.mark.parametrize("value", rag.ORDER)
def test_text_drawn_on_a_fill_has_4_5_to_1(value):
    assert contrast(charts.INK[value], charts.FILL[value]) >= 4.5, value


def test_the_stylesheet_uses_the_charts_colours_for_tags_and_keys():
    scss = (ROOT / "assets/scss/_rag.scss").read_text(encoding="utf-8")
    colours = dict(re.findall(r'"(\w+)": (#[0-9a-f]{6})', scss.split("$pt-rag-ink")[0]))
    ink = dict(re.findall(r'"(\w+)": (#[0-9a-f]{6})', scss.split("$pt-rag-ink")[1]))
    assert colours == charts.FILL
    assert ink == charts.INK
    # Amber is the same amber in a tag as in a chart: the tag's class carries the rating.
    html = render_to_string("shared/rag_tag.html", {"rag": "amber"})
    assert "pt-rag--amber" in html
    assert "Amber" in html


def test_touching_segments_are_parted_by_a_white_line():
    chart = charts.stacked_chart(
        id="c", title="t", subject="Recommendations", rows=[("2024/25 Q1", _counts(green=3, amber=3, red=3))]
    )
    html = render_to_string("shared/chart_stacked.html", {"chart": chart, "key": charts.key()})
    assert html.count(f'stroke="{WHITE}" stroke-width="{charts.GAP}"') == 3


def test_every_segment_is_lettered_or_listed_under_the_chart():
    chart = charts.stacked_chart(
        id="c",
        title="t",
        subject="Recommendations",
        rows=[
            ("2024/25 Q1", _counts(green=40, amber=1)),
            ("2024/25 Q2", _counts(green=20, amber=10, red=4, blue=6)),
        ],
    )
    segments = [segment for row in chart.rows for segment in row.segments]
    assert {segment.text for segment in segments} >= {"G 40", "A 10"}
    narrow = [segment for segment in segments if not segment.text]
    assert [(s.value, s.count) for s in narrow] == [("amber", 1)]
    html = render_to_string("shared/chart_stacked.html", {"chart": chart, "key": charts.key()})
    assert "Too narrow to letter: 2024/25 Q1, Amber 1." in html


def test_a_segment_wide_enough_for_its_letter_but_not_its_count_shows_the_letter():
    chart = charts.stacked_chart(id="c", title="t", subject="Recommendations", rows=[("Q", _counts(green=10, red=1))])
    red = next(segment for segment in chart.rows[0].segments if segment.value == "red")
    assert charts.LETTER_SEGMENT <= red.width < charts.WIDE_SEGMENT
    assert red.text == "R"


@pytest.mark.parametrize("label", ["Q3", "2024/25 Q3 (so far)", "A very long reporting period label indeed"])
def test_chart_text_is_at_least_12_px_in_the_width_a_320_px_screen_leaves(label):
    shown_at = 320 - 2 * 15  # GOV.UK's gutters either side on a phone
    for chart in (
        charts.bar_chart(id="a", title="t", subject="Actions", counts=[{"value": "red", "label": label, "count": 2}]),
        charts.stacked_chart(id="b", title="t", subject="Actions", rows=[(label, _counts(red=2, green=1))]),
    ):
        assert charts.FONT_SIZE * shown_at / chart.width >= charts.MIN_FONT_PX_AT_320, chart.width


def test_a_long_label_widens_the_label_column_and_the_bars_stay_inside_the_chart():
    counts = [{"value": "green", "label": "On track and expected to finish in time", "count": 2}]
    chart = charts.bar_chart(id="a", title="t", subject="Actions", counts=counts)
    assert chart.label_width > charts.LABEL_WIDTH
    assert chart.bars[0].count_x > chart.label_width
    assert chart.bars[0].count_x + 30 <= chart.width
    stacked = charts.stacked_chart(id="b", title="t", subject="Actions", rows=[("2024/25 Q3 (so far)", _counts(red=5))])
    row = stacked.rows[0]
    assert row.segments[-1].x + row.segments[-1].width < stacked.total_x <= stacked.width - 30
