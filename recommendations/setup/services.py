"""What the set-up pages write, and how complete a challenge's set-up is.

Every write locks the row, checks that it still holds what the coordinator's form was
loaded with (`fingerprint`), and saves through the model, so simple-history keeps who
changed what and when. Nothing here imports `reviews` (docs/ARCHITECTURE.md): the
progress review's report date and returning peers are reached through the challenge's
reverse relations.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Model, Q

from recommendations.models import PeerChallenge, PeerTeamMember, Recommendation, Theme


class SectionChanged(Exception):
    """Someone else saved the same part first: nothing was written. `current` is the object now."""

    def __init__(self, current: Model) -> None:
        super().__init__("This was changed by someone else while you were editing.")
        self.current = current


class NotSaved(Exception):
    """The database refused the change (for example a name another coordinator took a moment ago)."""


def fingerprint(instance: Model, fields: Iterable[str]) -> str:
    """Returns a short digest of `fields` of `instance` as they stand, to detect a change by someone else."""
    values = repr([(name, getattr(instance, name)) for name in fields])
    return hashlib.sha256(values.encode()).hexdigest()[:32]


def add_new(*, form: Any, instance: Model, by: Any) -> bool:
    """Saves a new item from a valid section `form` (kept in history like every section write).

    Returns False when the database refused it; the form then carries the reason as an error.
    """
    try:
        save_section(instance=instance, changes=form.changes(), loaded="", by=by)
    except NotSaved as refusal:
        form.add_error(None, str(refusal))
        return False
    return True


def save_section(*, instance: Model, changes: dict[str, Any], loaded: str, by: Any, reason: str = "") -> bool:
    """Writes `changes` to `instance` if the row still holds what the form was `loaded` with.

    Returns False when nothing differs (no history row is written). Raises SectionChanged
    when someone else saved the same fields first, and NotSaved when a constraint refuses
    the values. A new object (no primary key yet) is simply created.
    """
    model = type(instance)
    with transaction.atomic():
        if instance.pk is not None:
            current = model._default_manager.select_for_update().get(pk=instance.pk)
            if loaded and fingerprint(current, changes) != loaded:
                raise SectionChanged(current)
            if all(getattr(current, name) == value for name, value in changes.items()):
                return False
            instance = current
        for name, value in changes.items():
            setattr(instance, name, value)
        instance._history_user = by  # type: ignore[attr-defined]
        if reason:
            instance._change_reason = reason  # type: ignore[attr-defined]
        try:
            with transaction.atomic():
                instance.full_clean(validate_unique=False, validate_constraints=False)
                instance.save()
        except ValidationError as error:
            raise NotSaved(" ".join(error.messages)) from error
        except IntegrityError as error:
            raise NotSaved(
                "This could not be saved: another change was made at the same moment. Check the page and try again."
            ) from error
    return True


def next_position(queryset: Any) -> int:
    """Returns the position after the last of `queryset`'s rows."""
    top = queryset.aggregate(top=Max("position"))["top"]
    return 0 if top is None else top + 1


def assign_theme(
    *, challenge: PeerChallenge, recommendations: Iterable[Recommendation], theme: Theme | None, by: Any
) -> int:
    """Puts each of `recommendations` under `theme` (or under none); returns how many moved.

    Each is saved on its own, so each keeps a history row saying who moved it.
    """
    if theme is not None and theme.challenge_id != challenge.pk:
        raise ValueError("The theme belongs to another challenge.")
    moved = 0
    with transaction.atomic():
        ids = [recommendation.pk for recommendation in recommendations]
        for recommendation in Recommendation.objects.select_for_update().filter(challenge=challenge, pk__in=ids):
            if recommendation.theme_id == (theme.pk if theme else None):
                continue
            recommendation.theme = theme
            recommendation._history_user = by
            recommendation._change_reason = "Theme changed on the set-up pages"
            recommendation.save(update_fields=["theme"])
            moved += 1
    return moved


def move_theme(*, theme: Theme, direction: str, by: Any) -> bool:
    """Swaps `theme` with its neighbour above or below among the challenge's themes of its kind.

    The list is numbered afresh (0, 1, 2...) first, so themes with equal positions move too.
    Returns False when it is already first (up) or last (down).
    """
    with transaction.atomic():
        siblings = list(
            Theme.objects.select_for_update()
            .filter(challenge=theme.challenge_id, kind=theme.kind)
            .order_by("position", "name", "pk")
        )
        index = next(i for i, sibling in enumerate(siblings) if sibling.pk == theme.pk)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(siblings):
            return False
        siblings[index], siblings[other] = siblings[other], siblings[index]
        for position, sibling in enumerate(siblings):
            if sibling.position != position:
                sibling.position = position
                sibling._history_user = by  # type: ignore[attr-defined]
                sibling._change_reason = "Reordered on the set-up pages"  # type: ignore[attr-defined]
                sibling.save(update_fields=["position"])
    return True


def latest_review(challenge: PeerChallenge) -> Any:
    """Returns the challenge's first progress review (the one the timetable counts), or None."""
    return challenge.progress_reviews.order_by("review_date").first()


def set_returned(*, review: Any, peers: Iterable[PeerTeamMember], by: Any) -> tuple[int, int]:
    """Records exactly `peers` as the members who returned for `review`; returns (added, removed).

    Each link is created or deleted on its own, so the history keeps who changed it.
    """
    through: Any = type(review).returning_peers.through
    chosen = {peer.pk for peer in peers}
    added = removed = 0
    with transaction.atomic():
        type(review)._default_manager.select_for_update().filter(pk=review.pk).first()
        existing = {row.member_id: row for row in through.objects.filter(review=review)}
        for member_id, row in existing.items():
            if member_id not in chosen:
                row._history_user = by
                row.delete()
                removed += 1
        for member_id in chosen - set(existing):
            row = through(review=review, member_id=member_id)
            row._history_user = by
            row.save()
            added += 1
    return added, removed


# --- how complete the set-up is ---------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """One section of the set-up overview: what it holds, in words, and whether it is done."""

    key: str
    title: str
    url_name: str
    summary: str
    done: bool
    todo: str = ""


def overview(challenge: PeerChallenge) -> list[Part]:
    """Returns each set-up section with what is recorded so far and what is still missing."""
    recommendations = Recommendation.objects.filter(challenge=challenge).aggregate(
        total=Count("pk"),
        themed=Count("pk", filter=Q(theme__isnull=False)),
        answered=Count("pk", filter=~Q(response=Recommendation.Response.NOT_RECORDED)),
        with_actions=Count("pk", filter=Q(actions__isnull=False), distinct=True),
    )
    total = recommendations["total"]
    themes = challenge.themes.count()
    peers = challenge.peer_team.count()
    review = latest_review(challenge)
    returned = review.returning_peers.count() if review is not None else 0
    meetings = challenge.committee_meetings.count()

    dates = [
        ("feedback report received", challenge.feedback_report_date),
        ("feedback report published", challenge.feedback_report_published_on),
        ("action plan published", challenge.action_plan_published_on),
    ]
    missing_dates = [label for label, day in dates if day is None]
    figures = challenge.people_spoken_to is not None or bool(challenge.figures_note)
    details_missing = [
        *missing_dates,
        *([] if figures else ["the visit in figures"]),
        *([] if challenge.feedback_report_url else ["the feedback report link"]),
    ]
    parts = [
        Part(
            "details",
            "Challenge details",
            "setup_details",
            f"{challenge.get_kind_display()}, on site {challenge.onsite_start:%-d %B %Y} to "
            f"{challenge.onsite_end:%-d %B %Y}; {len(dates) - len(missing_dates)} of {len(dates)} report and "
            "publication dates recorded",
            not details_missing,
            "Still to record: " + ", ".join(details_missing) if details_missing else "",
        ),
        Part(
            "themes",
            "Themes",
            "setup_themes",
            f"Themes: {themes}, {recommendations['themed']} of {total} recommendation{'s' if total != 1 else ''} "
            "assigned",
            themes > 0 and total > 0 and recommendations["themed"] == total,
            "" if themes else "Add the core components and any extra areas of focus",
        ),
        Part(
            "responses",
            "The council's responses",
            "setup_responses",
            f"{recommendations['answered']} of {total} responses recorded",
            total > 0 and recommendations["answered"] == total,
            "" if total else "Add the recommendations from the feedback report first",
        ),
        Part(
            "actions",
            "Actions",
            "action_plan_import",
            f"{recommendations['with_actions']} of {total} recommendations have actions",
            total > 0 and recommendations["with_actions"] == total,
            "Import the action plan, or add actions on each recommendation's page",
        ),
        Part(
            "peer_team",
            "Peer team",
            "setup_peer_team",
            f"{peers} member{'s' if peers != 1 else ''}"
            + (f"; {returned} returned for the progress review" if review is not None else ""),
            peers > 0,
            "" if peers else "Add the members of the peer team",
        ),
        Part(
            "meetings",
            "Committee meetings",
            "committee_meetings",
            f"{meetings} meeting{'s' if meetings != 1 else ''} recorded",
            meetings > 0,
            "" if meetings else "Add the meetings where the plan is on the agenda",
        ),
    ]
    return parts
