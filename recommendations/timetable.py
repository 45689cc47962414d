"""The LGA's timetable for a peer challenge, computed from the challenge's own dates.

The LGA asks (see ../shared/DOMAIN.md, "The cycle the product follows"):

* the feedback report and the council's action plan are published within
  3 months of the challenge, the action plan at the latest within 5 months;
* the progress review takes place about 10 months after the challenge;
* the progress review report is published at the latest 12 months after it;
* the next corporate peer challenge follows within 4 to 5 years.

"After the challenge" counts from the last day on site. Each milestone is

* *met*: done by its latest date (with the date it was done);
* *due*: not done yet and its latest date has not passed (with the days left);
* *no date recorded*: its latest date has passed and no date is recorded. It may
  well have happened (councils publish and nobody types the date), so the
  product does not call it missed; it says where a coordinator records the date;
* *missed*: a recorded date after the latest date.

Everything is judged as at a date, so a dashboard viewed as at a past committee
meeting shows the timetable as it stood: a date recorded after that day had not
happened yet. When the latest date had also passed by that day, the milestone
was *missed* as at that day (the recorded date proves it was not done in time).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

MET = "met"
DUE = "due"
NOT_RECORDED = "not_recorded"
MISSED = "missed"

STATES = (MET, DUE, NOT_RECORDED, MISSED)
STATE_LABELS = {MET: "Met", DUE: "Due", NOT_RECORDED: "No date recorded", MISSED: "Missed"}


def add_months(day: dt.date, months: int) -> dt.date:
    """Returns the same day `months` later, clamped to the month's last day (31 Aug + 6 = 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    if year > dt.MAXYEAR:  # a date stored before years were bounded (issue 12): no overflow
        return dt.date.max
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Milestone:
    """One step of the timetable and where it stands on `as_of`."""

    key: str
    name: str
    rule: str
    target: dt.date
    latest: dt.date
    recorded_on: dt.date | None
    as_of: dt.date
    # Where a coordinator records the date, ending a sentence: "... can record the date <here>."
    recorded_where: str
    earliest: dt.date | None = None

    @property
    def done_on(self) -> dt.date | None:
        """Returns the recorded date if it had come by `as_of`; a later one had not happened yet."""
        if self.recorded_on is not None and self.recorded_on <= self.as_of:
            return self.recorded_on
        return None

    @property
    def state(self) -> str:
        if self.done_on is not None:
            return MET if self.done_on <= self.latest else MISSED
        if self.as_of <= self.latest:
            return DUE
        # The limit had passed by `as_of`. A date recorded after `as_of` proves it was late;
        # no date at all proves nothing.
        return MISSED if self.recorded_on is not None else NOT_RECORDED

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def days_left(self) -> int | None:
        """Returns the days until the latest date while the milestone is due, else None."""
        if self.state != DUE:
            return None
        return (self.latest - self.as_of).days

    @property
    def days_late(self) -> int | None:
        """Returns how many days past the latest date it was done, or is still outstanding."""
        if self.state != MISSED:
            return None
        return ((self.done_on or self.as_of) - self.latest).days

    @property
    def after_target(self) -> bool:
        """True when done (or still open) after the target but within the latest date."""
        moment = self.done_on or self.as_of
        return self.latest > self.target and self.target < moment <= self.latest

    @property
    def explanation(self) -> str:
        """Returns where the milestone stands in one plain sentence."""
        if self.state == MET:
            assert self.done_on is not None
            text = f"Met on {_long(self.done_on)}"
            if self.after_target:
                text += f", after the {_long(self.target)} target but by the {_long(self.latest)} limit"
            return text + "."
        if self.state == DUE:
            days = self.days_left or 0
            when = "today" if days == 0 else f"in {_days(days)}"
            text = f"Due by {_long(self.latest)} ({when})"
            if self.earliest and self.as_of < self.earliest:
                text += f"; not expected before {_long(self.earliest)}"
            elif self.after_target:
                text += f"; the {_long(self.target)} target has passed"
            return text + "."
        if self.state == NOT_RECORDED:
            return (f"No date recorded: it was due by {_long(self.latest)}. If it has happened, "
                    f"a coordinator can record the date {self.recorded_where}.")
        late = _days(self.days_late or 0)
        if self.done_on:
            return f"Missed: done on {_long(self.done_on)}, {late} after the {_long(self.latest)} limit."
        return f"Missed: not done by {_long(self.latest)} ({late} ago)."


def _long(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _days(count: int) -> str:
    return f"{count:,} day{'s' if count != 1 else ''}"


# Where each date is recorded: the challenge's set-up pages (recommendations/setup/) and the
# reviews app's pages. Never the admin: it is no place for day-to-day work (ADR 0020).
_IN_SET_UP = "on the challenge’s Set up pages, under Challenge details, as “{field}”"
_ON_THE_REVIEW_PAGE = "on the challenge's Progress review page"


@dataclass(frozen=True)
class _Step:
    """One step of the LGA's timetable, its dates counted in months after the challenge."""

    key: str
    name: str
    rule: str
    target_months: int
    latest_months: int
    recorded_where: str
    earliest_months: int | None = None


_STEPS = (
    _Step(key="feedback_report", name="Feedback report published",
          rule="Within 3 months of the challenge.", target_months=3, latest_months=3,
          recorded_where=_IN_SET_UP.format(field="Feedback report published")),
    _Step(key="action_plan", name="Action plan published",
          rule="Within 3 months of the challenge, at the latest within 5 months.",
          target_months=3, latest_months=5,
          recorded_where=_IN_SET_UP.format(field="Action plan published")),
    _Step(key="progress_review", name="Progress review held",
          rule="About 10 months after the challenge, and before its report is due at 12 months.",
          target_months=10, latest_months=12, recorded_where=_ON_THE_REVIEW_PAGE),
    _Step(key="progress_review_report", name="Progress review report published",
          rule="At the latest 12 months after the challenge.", target_months=12, latest_months=12,
          recorded_where=f"with the peers' feedback {_ON_THE_REVIEW_PAGE}"),
    _Step(key="next_challenge", name="Next corporate peer challenge",
          rule="Within 4 to 5 years of this one.", target_months=48, latest_months=60, earliest_months=48,
          recorded_where="by creating the next challenge (“Create a challenge” on the home page)"),
)


def build_timetable(
    *,
    challenge: Any,
    as_of: dt.date,
    review_dates: Iterable[tuple[dt.date, dt.date | None]] = (),
    next_challenge_start: dt.date | None = None,
) -> list[Milestone]:
    """Returns the LGA milestones of `challenge` as they stood on `as_of`.

    `review_dates` holds `(review_date, report_published_on)` for the challenge's
    progress reviews (the first counts); `next_challenge_start` is the first day
    on site of the council's next peer challenge, if one is recorded.
    """
    start = challenge.onsite_end
    reviews = sorted(review_dates)
    review_on, report_on = reviews[0] if reviews else (None, None)
    recorded_on = {
        # Its publication; a challenge recorded before that date was kept has the day it was
        # received, which is what the timetable read until then.
        "feedback_report": challenge.feedback_report_published_on or challenge.feedback_report_date,
        "action_plan": challenge.action_plan_published_on,
        "progress_review": review_on,
        "progress_review_report": report_on,
        "next_challenge": next_challenge_start,
    }
    return [
        Milestone(
            key=step.key, name=step.name, rule=step.rule,
            target=add_months(start, step.target_months), latest=add_months(start, step.latest_months),
            recorded_on=recorded_on[step.key], as_of=as_of, recorded_where=step.recorded_where,
            earliest=None if step.earliest_months is None else add_months(start, step.earliest_months),
        )
        for step in _STEPS
    ]


def summarise(milestones: Iterable[Milestone]) -> dict[str, int]:
    """Returns how many milestones are met, due, without a recorded date and missed."""
    counts = dict.fromkeys(STATES, 0)
    for milestone in milestones:
        counts[milestone.state] += 1
    return counts


def timetables_for(challenges: list[Any], *, as_of: dt.date) -> dict[int, list[Milestone]]:
    """Returns each challenge's timetable by primary key, in two queries whatever their number.

    The "next challenge" is the council's next recorded challenge with a later first day on site.
    """
    from recommendations.models import PeerChallenge

    if not challenges:
        return {}
    ids = [challenge.pk for challenge in challenges]
    reviews: dict[int, list[tuple[dt.date, dt.date | None]]] = {pk: [] for pk in ids}
    review_model: Any = PeerChallenge._meta.get_field("progress_reviews").related_model
    for challenge_id, review_on, report_on in review_model.objects.filter(challenge__in=ids).values_list(
        "challenge_id", "review_date", "report_published_on"
    ):
        reviews[challenge_id].append((review_on, report_on))
    starts: dict[int, list[dt.date]] = {}
    councils = {challenge.council_id for challenge in challenges}
    for council_id, onsite_start in PeerChallenge.objects.filter(council__in=councils).values_list(
        "council_id", "onsite_start"
    ):
        starts.setdefault(council_id, []).append(onsite_start)
    result = {}
    for challenge in challenges:
        later = sorted(day for day in starts.get(challenge.council_id, []) if day > challenge.onsite_end)
        result[challenge.pk] = build_timetable(
            challenge=challenge, as_of=as_of, review_dates=reviews[challenge.pk],
            next_challenge_start=later[0] if later else None,
        )
    return result
