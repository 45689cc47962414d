"""Reporting periods: quarters of the UK financial year (April to March).

"2024/25 Q3" is October to December 2024; "2024/25 Q4" is January to March 2025.
A period is identified by the calendar year its financial year starts in and
the quarter number within that year.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone

_LABEL = re.compile(r"^\s*(\d{4})\s*/\s*(\d{2})\s+Q([1-4])\s*$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class ReportingPeriod:
    year: int
    quarter: int

    def __post_init__(self) -> None:
        if not 1 <= self.quarter <= 4:
            raise ValueError(f"A quarter is 1 to 4, not {self.quarter}.")

    def __str__(self) -> str:
        return f"{self.year}/{(self.year + 1) % 100:02d} Q{self.quarter}"

    @property
    def start(self) -> dt.date:
        """Returns the first day of the period."""
        month = 4 + 3 * (self.quarter - 1)
        year = self.year
        if month > 12:
            month -= 12
            year += 1
        return dt.date(year, month, 1)

    @property
    def end(self) -> dt.date:
        """Returns the last day of the period."""
        return self.next().start - dt.timedelta(days=1)

    @property
    def key(self) -> str:
        """Returns a compact form for URLs and form values, e.g. "2024-Q3"."""
        return f"{self.year}-Q{self.quarter}"

    def next(self) -> ReportingPeriod:
        if self.quarter == 4:
            return ReportingPeriod(self.year + 1, 1)
        return ReportingPeriod(self.year, self.quarter + 1)

    def previous(self) -> ReportingPeriod:
        if self.quarter == 1:
            return ReportingPeriod(self.year - 1, 4)
        return ReportingPeriod(self.year, self.quarter - 1)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    @classmethod
    def for_date(cls, day: dt.date) -> ReportingPeriod:
        """Returns the period that contains `day`."""
        if day.month >= 4:
            return cls(day.year, (day.month - 4) // 3 + 1)
        return cls(day.year - 1, 4)

    @classmethod
    def current(cls) -> ReportingPeriod:
        return cls.for_date(timezone.localdate())

    @classmethod
    def parse(cls, text: str) -> ReportingPeriod:
        """Reads "2024/25 Q3" or "2024-Q3"; raises ValueError on anything else."""
        match = _LABEL.match(text)
        if match:
            year, next_two, quarter = int(match[1]), int(match[2]), int(match[3])
            if (year + 1) % 100 != next_two:
                raise ValueError(f"{text!r} is not a financial year: {year} is followed by "
                                 f"{(year + 1) % 100:02d}.")
            return cls(year, quarter)
        compact = re.match(r"^\s*(\d{4})-Q([1-4])\s*$", text, re.IGNORECASE)
        if compact:
            return cls(int(compact[1]), int(compact[2]))
        raise ValueError(f"{text!r} is not a reporting period like 2024/25 Q3.")

    @classmethod
    def span(cls, first: ReportingPeriod, last: ReportingPeriod) -> list[ReportingPeriod]:
        """Returns every period from `first` to `last`, both included."""
        periods = []
        period = first
        while period <= last:
            periods.append(period)
            period = period.next()
        return periods
