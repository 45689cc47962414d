from __future__ import annotations

import datetime as dt

import pytest

from recommendations.periods import ReportingPeriod


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (dt.date(2024, 4, 1), "2024/25 Q1"),
        (dt.date(2024, 6, 30), "2024/25 Q1"),
        (dt.date(2024, 10, 1), "2024/25 Q3"),
        (dt.date(2024, 12, 31), "2024/25 Q3"),
        (dt.date(2025, 1, 1), "2024/25 Q4"),
        (dt.date(2025, 3, 31), "2024/25 Q4"),
        (dt.date(1999, 2, 1), "1998/99 Q4"),
    ],
)
def test_a_day_falls_in_its_financial_quarter(day, label):
    assert str(ReportingPeriod.for_date(day)) == label


def test_period_bounds_and_neighbours():
    q3 = ReportingPeriod.parse("2024/25 Q3")
    assert (q3.start, q3.end) == (dt.date(2024, 10, 1), dt.date(2024, 12, 31))
    assert str(q3.next()) == "2024/25 Q4"
    assert q3.next().end == dt.date(2025, 3, 31)
    assert str(q3.next().next()) == "2025/26 Q1"
    assert str(ReportingPeriod(2024, 1).previous()) == "2023/24 Q4"
    assert ReportingPeriod.parse("2024-Q3") == q3
    assert [str(p) for p in ReportingPeriod.span(ReportingPeriod(2023, 4), ReportingPeriod(2024, 2))] == [
        "2023/24 Q4", "2024/25 Q1", "2024/25 Q2"]


@pytest.mark.parametrize("text", ["2024/26 Q1", "2024/25 Q5", "Q3", "", "2024/25"])
def test_parse_rejects_what_is_not_a_period(text):
    with pytest.raises(ValueError):
        ReportingPeriod.parse(text)
