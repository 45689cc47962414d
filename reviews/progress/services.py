"""The progress review workflow: scheduling, the position statement, follow-up actions, guests.

Each function is one step a coordinator takes, done inside one transaction so a
step either happens completely or not at all. The view decides who may take the
step; these functions keep the rules that hold whoever takes it (a statement
approved is frozen; a follow-up action belongs to one of its theme's
recommendations; a guest's access ends on a date that has not passed yet).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from peertrack import tasks
from peertrack.absolute_urls import absolute_url, current_origin
from recommendations import rag as rag_rules
from recommendations.asof import ActionThen, plan_as_at
from recommendations.models import (
    Action,
    GuestAccess,
    Membership,
    PeerChallenge,
    PeerTeamMember,
    Recommendation,
)
from reviews.models import (
    PositionStatement,
    ProgressReview,
    ReturningPeer,
    ReviewTheme,
    StatementEvidence,
)

FROZEN_MESSAGE = (
    "The position statement was approved on {when} by {who} and can no longer be changed."
)


class StatementFrozen(Exception):
    """The position statement has been approved; its text, paragraphs and evidence are fixed."""

    def __init__(self, review: ProgressReview) -> None:
        when = timezone.localtime(review.statement_approved_at).strftime("%-d %B %Y") if (
            review.statement_approved_at) else "an earlier date"
        who = review.statement_approved_by
        who_name = (who.get_full_name() or who.get_username()) if who else "a coordinator"
        super().__init__(FROZEN_MESSAGE.format(when=when, who=who_name))


def _refuse_if_approved(review: ProgressReview) -> ProgressReview:
    """Locks the review row and raises StatementFrozen when its statement is approved.

    The lock makes an edit and an approval that arrive together happen one after the
    other, so an edit can never slip in after the text was frozen.
    """
    # of=("self",): PostgreSQL cannot lock the nullable side of the join to the approver.
    locked = (ProgressReview.objects.select_for_update(of=("self",)).select_related("statement_approved_by")
              .get(pk=review.pk))
    if locked.is_statement_approved:
        raise StatementFrozen(locked)
    return locked


def _check_peers(challenge: PeerChallenge, peers: Iterable[PeerTeamMember]) -> list[PeerTeamMember]:
    peers = list(peers)
    if any(peer.challenge_id != challenge.pk for peer in peers):
        raise ValidationError({"peers": "Choose returning peers from this challenge's peer team."})
    return peers


def _check_date(challenge: PeerChallenge, review_date: dt.date) -> None:
    if review_date <= challenge.onsite_end:
        raise ValidationError({"review_date": "The progress review must be after the last day on site, "
                                              f"{challenge.onsite_end:%-d %B %Y}."})


@transaction.atomic
def schedule_review(*, challenge: PeerChallenge, review_date: dt.date,
                    peers: Iterable[PeerTeamMember], by: Any) -> ProgressReview:
    """Creates a progress review with its returning peers and a pre-filled draft statement."""
    _check_date(challenge, review_date)
    peers = _check_peers(challenge, peers)
    if ProgressReview.objects.filter(challenge=challenge, review_date=review_date).exists():
        raise ValidationError({"review_date": "A progress review is already scheduled on that date."})
    review = ProgressReview(challenge=challenge, review_date=review_date)
    review._history_user = by  # type: ignore[attr-defined]
    review.save()
    for peer in peers:
        ReturningPeer.objects.create(review=review, member=peer)
    prefill_statement(review=review, by=by)
    return review


@transaction.atomic
def reschedule_review(*, review: ProgressReview, review_date: dt.date,
                      peers: Iterable[PeerTeamMember], by: Any) -> ProgressReview:
    """Changes the review's date and returning peers, keeping each kept peer's recorded role."""
    challenge = review.challenge
    _check_date(challenge, review_date)
    peers = _check_peers(challenge, peers)
    if ProgressReview.objects.filter(challenge=challenge, review_date=review_date).exclude(pk=review.pk).exists():
        raise ValidationError({"review_date": "Another progress review is already scheduled on that date."})
    review = ProgressReview.objects.select_for_update().get(pk=review.pk)
    if review.review_date != review_date:
        review.review_date = review_date
        review._history_user = by  # type: ignore[attr-defined]
        review.save(update_fields=["review_date"])
    wanted = {peer.pk for peer in peers}
    ReturningPeer.objects.filter(review=review).exclude(member_id__in=wanted).delete()
    present = set(ReturningPeer.objects.filter(review=review).values_list("member_id", flat=True))
    for peer in peers:
        if peer.pk not in present:
            ReturningPeer.objects.create(review=review, member=peer)
    return review


@transaction.atomic
def save_theme(*, review: ProgressReview, theme: ReviewTheme | None, name: str,
               recommendations: Iterable[Recommendation], feedback: str, mapping_note: str,
               by: Any) -> ReviewTheme:
    """Creates or changes a theme heading, the recommendations it covers and the peers' feedback on it."""
    recommendations = list(recommendations)
    if not recommendations:
        raise ValidationError({"recommendations": "Select at least one recommendation this theme covers."})
    if any(rec.challenge_id != review.challenge_id for rec in recommendations):
        raise ValidationError({"recommendations": "Select recommendations of this challenge."})
    clash = ReviewTheme.objects.filter(review=review, name__iexact=name.strip())
    if theme is not None:
        clash = clash.exclude(pk=theme.pk)
    if clash.exists():
        raise ValidationError({"name": "This review already has a theme with that name."})
    if theme is None:
        last = ReviewTheme.objects.filter(review=review).order_by("-position").first()
        theme = ReviewTheme(review=review, position=(last.position + 1) if last else 1)
    theme.name = name.strip()
    theme.feedback = feedback
    theme.mapping_note = mapping_note
    theme._history_user = by  # type: ignore[attr-defined]
    theme.save()
    theme.recommendations.set(recommendations)
    return theme


@transaction.atomic
def record_feedback(*, review: ProgressReview, overall_feedback: str, final_thoughts: str,
                    report_published_on: dt.date | None, by: Any) -> ProgressReview:
    """Records the peers' overall feedback, their final thoughts and when the LGA published the report."""
    if report_published_on is not None and report_published_on < review.review_date:
        raise ValidationError({"report_published_on": "The report cannot be published before the review."})
    review = ProgressReview.objects.select_for_update().get(pk=review.pk)
    review.overall_feedback = overall_feedback
    review.final_thoughts = final_thoughts
    review.report_published_on = report_published_on
    review._history_user = by  # type: ignore[attr-defined]
    review.save(update_fields=["overall_feedback", "final_thoughts", "report_published_on"])
    return review


def _reference_key(reference: str) -> list[Any]:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", reference)]


def draft_paragraph(actions: list[ActionThen]) -> str:
    """Returns a draft self-assessment paragraph from each action's latest progress update.

    `actions` are a recommendation's actions as they stand now (`recommendations.asof`), closed
    ones left out. Each action gives one sentence group: its reference, its rating as every page
    shows it and the period of its latest update, and that update's narrative and next steps, so
    the coordinator edits the officers' own words.
    """
    if not actions:
        return "No actions have been agreed for this recommendation yet."
    parts = []
    for then in sorted(actions, key=lambda then: _reference_key(then.action.reference)):
        reference = then.action.reference
        latest = then.latest_update
        if latest is None:
            parts.append(f"Action {reference} ({then.description.strip()[:120]}): "
                         "no progress has been reported yet.")
            continue
        text = f"Action {reference} ({rag_rules.label(then.rating)}, {then.latest_period}): {latest.narrative.strip()}"
        if latest.next_steps and latest.next_steps.strip():
            text += f" Next steps: {latest.next_steps.strip()}"
        parts.append(text)
    return "\n\n".join(parts)


@transaction.atomic
def prefill_statement(*, review: ProgressReview, by: Any, replace: bool = False) -> int:
    """Writes a draft paragraph for every recommendation without one (or every one, with `replace`).

    Returns how many paragraphs were written. A paragraph a coordinator has written is
    kept unless `replace` is asked for. Raises StatementFrozen once approved.
    """
    review = _refuse_if_approved(review)
    plan = plan_as_at(review.challenge, details=True)
    existing = {s.recommendation_id: s for s in PositionStatement.objects.filter(review=review)}
    written = 0
    for item in plan.recommendations:
        recommendation = item.recommendation
        statement = existing.get(recommendation.pk)
        if statement is not None and statement.text.strip() and not replace:
            continue
        text = draft_paragraph([then for then in item.actions if then.status != Action.Status.CLOSED])
        if statement is None:
            statement = PositionStatement(review=review, recommendation=recommendation)
        statement.text = text
        statement.is_demo = False
        statement._history_user = by  # type: ignore[attr-defined]
        statement.save()
        written += 1
    return written


@transaction.atomic
def save_statement(*, review: ProgressReview, introduction: str, paragraphs: dict[int, str],
                   by: Any) -> list[int]:
    """Saves the introduction and the paragraph of each recommendation (keyed by its id).

    Returns the ids of the recommendations whose paragraph changed. An edited
    paragraph is the council's own words, so its demo label is dropped. Raises
    StatementFrozen once the statement is approved.
    """
    review = _refuse_if_approved(review)
    if review.statement_introduction != introduction:
        review.statement_introduction = introduction
        review.statement_is_demo = False
        review._history_user = by  # type: ignore[attr-defined]
        review.save(update_fields=["statement_introduction", "statement_is_demo"])
    valid = set(Recommendation.objects.filter(challenge_id=review.challenge_id).values_list("pk", flat=True))
    unknown = set(paragraphs) - valid
    if unknown:
        raise ValidationError("The statement can only cover this challenge's recommendations.")
    existing = {s.recommendation_id: s for s in PositionStatement.objects.filter(review=review)}
    changed = []
    for recommendation_id, text in paragraphs.items():
        statement = existing.get(recommendation_id) or PositionStatement(
            review=review, recommendation_id=recommendation_id)
        if statement.pk is not None and statement.text == text:
            continue
        statement.text = text
        statement.is_demo = False
        statement._history_user = by  # type: ignore[attr-defined]
        statement.save()
        changed.append(recommendation_id)
    return changed


@transaction.atomic
def add_evidence(*, review: ProgressReview, title: str, url: str,
                 recommendation: Recommendation | None, by: Any) -> StatementEvidence:
    """Adds a link to an evidence document; refused once the statement is approved."""
    review = _refuse_if_approved(review)
    if recommendation is not None and recommendation.challenge_id != review.challenge_id:
        raise ValidationError({"recommendation": "Choose a recommendation of this challenge."})
    evidence = StatementEvidence(review=review, title=title.strip(), url=url.strip(),
                                 recommendation=recommendation, added_by=by)
    evidence.full_clean()
    evidence._history_user = by  # type: ignore[attr-defined]
    evidence.save()
    return evidence


@transaction.atomic
def remove_evidence(*, evidence: StatementEvidence, by: Any) -> None:
    """Removes an evidence link; refused once the statement is approved."""
    _refuse_if_approved(evidence.review)
    evidence._history_user = by  # type: ignore[attr-defined]
    evidence.delete()


def statement_content(review: ProgressReview) -> dict[str, Any]:
    """Returns the position statement as plain data: introduction, one paragraph per recommendation, evidence.

    Once approved this is the copy frozen at approval, so what was approved is what
    every page and PDF shows, even if a row was later changed outside peertrack's pages.
    """
    if review.is_statement_approved and review.statement_as_approved:
        return review.statement_as_approved
    return _live_statement(review)


def _live_statement(review: ProgressReview) -> dict[str, Any]:
    statements = {s.recommendation_id: s for s in PositionStatement.objects.filter(review=review)}
    evidence = list(StatementEvidence.objects.filter(review=review).select_related("recommendation"))
    entries = []
    for recommendation in Recommendation.objects.filter(challenge_id=review.challenge_id).order_by("number"):
        statement = statements.get(recommendation.pk)
        entries.append({
            "recommendation_id": recommendation.pk,
            "number": recommendation.number,
            "title": recommendation.title,
            "text": statement.text if statement else "",
            "is_demo": bool(statement and statement.is_demo),
            "evidence": [{"title": e.title, "url": e.url} for e in evidence
                         if e.recommendation_id == recommendation.pk],
        })
    return {
        "introduction": review.statement_introduction,
        "introduction_is_demo": review.statement_is_demo,
        "entries": entries,
        "general_evidence": [{"title": e.title, "url": e.url} for e in evidence if e.recommendation_id is None],
    }


@transaction.atomic
def approve_statement(*, review: ProgressReview, by: Any) -> ProgressReview:
    """Approves the position statement: records who and when, and freezes its content.

    Refuses (ValidationError) while any recommendation has no paragraph, and
    (StatementFrozen) when it is already approved.
    """
    review = _refuse_if_approved(review)
    content = _live_statement(review)
    missing = [str(entry["number"]) for entry in content["entries"] if not entry["text"].strip()]
    if missing:
        raise ValidationError(
            f"Write a paragraph for every recommendation before approving: recommendation"
            f"{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"{'have' if len(missing) > 1 else 'has'} none yet."
        )
    review.statement_status = ProgressReview.StatementStatus.APPROVED
    review.statement_approved_by = by
    review.statement_approved_at = timezone.now()
    review.statement_as_approved = content
    review._history_user = by  # type: ignore[attr-defined]
    review.save(update_fields=["statement_status", "statement_approved_by", "statement_approved_at",
                               "statement_as_approved"])
    return review


def next_reference(recommendation: Recommendation) -> str:
    """Returns the next free reference under a recommendation: "3.4" after 3.1 to 3.3."""
    return recommendation.next_action_reference()


@transaction.atomic
def add_follow_up_action(*, theme: ReviewTheme, recommendation: Recommendation, description: str,
                         lead_officer: Any | None, due_date: dt.date | None, by: Any,
                         reference: str = "") -> Action:
    """Adds an action arising from the peers' feedback on `theme` to the action plan.

    The action belongs to one of the theme's recommendations, is labelled as arising
    from the progress review and is then like any other action: officers update it
    and coordinators sign it off.
    """
    if not theme.recommendations.filter(pk=recommendation.pk).exists():
        raise ValidationError({"recommendation": "Choose one of the recommendations this theme covers."})
    if lead_officer is not None and not Action.possible_lead_officers(
            recommendation.challenge.council_id).filter(pk=lead_officer.pk).exists():
        raise ValidationError({"lead_officer": "Choose a lead officer of this council."})
    reference = reference.strip() or next_reference(recommendation)
    if Action.objects.filter(recommendation=recommendation, reference=reference).exists():
        raise ValidationError({"reference": f"Recommendation {recommendation.number} already has an "
                                            f"action {reference}."})
    today = timezone.localdate()
    if due_date is not None and due_date < today:
        raise ValidationError({"due_date": "The due date must be today or later."})
    action = Action(
        recommendation=recommendation, reference=reference, description=description.strip(),
        lead_officer=lead_officer, start_date=today, due_date=due_date,
        status=Action.Status.NOT_STARTED, origin=Action.Origin.PROGRESS_REVIEW,
        source=f"Arising from the progress review of {theme.review.review_date:%-d %B %Y}, "
               f"theme \"{theme.name}\".",
    )
    action._history_user = by  # type: ignore[attr-defined]
    action.save()
    theme.follow_up_actions.add(action)
    return action


def _guest_username(email: str) -> str:
    return email.strip().lower()[:150]


@transaction.atomic
def invite_guest(*, challenge: PeerChallenge, peer: PeerTeamMember, email: str, expires_on: dt.date,
                 by: Any, today: dt.date | None = None, origin: str = "") -> tuple[GuestAccess, bool]:
    """Gives a returning peer read-only access to `challenge` until the end of `expires_on`.

    Creates their sign-in (no password: the email carries a link to set one) unless
    one with that email exists, and never a council Membership. Inviting again
    changes the end date. Returns the access and whether a new sign-in was made.
    The email's link starts with `absolute_urls.email_origin(origin)`: `origin` is the inviting
    request's address (`request_origin(request)`).
    """
    today = today or timezone.localdate()
    if peer.challenge_id != challenge.pk:
        raise ValidationError({"peer": "Choose a member of this challenge's peer team."})
    if expires_on < today:
        raise ValidationError({"expires_on": "The end date must be today or in the future."})
    email = email.strip().lower()
    users = get_user_model().objects
    user = users.filter(email__iexact=email).order_by("pk").first()
    created = False
    if user is None:
        if users.filter(username__iexact=_guest_username(email)).exists():
            raise ValidationError({"email": "A different account already uses this address as its username."})
        first, _, last = peer.name.rpartition(" ")
        user = users.create_user(username=_guest_username(email), email=email,
                                 first_name=(first or last)[:150], last_name=(last if first else "")[:150])
        user.set_unusable_password()
        user.save(update_fields=["password"])
        created = True
    if Membership.objects.filter(user=user, council_id=challenge.council_id).exists():
        raise ValidationError({"email": "This person is already a member of the council; "
                                        "they do not need guest access."})
    access = GuestAccess.objects.select_for_update().filter(user=user, challenge=challenge).first()
    if access is None:
        access = GuestAccess(user=user, challenge=challenge)
    access.peer = peer
    access.expires_on = expires_on
    access.invited_by = by
    access._history_user = by  # type: ignore[union-attr]
    access.save()
    if not user.has_usable_password():
        transaction.on_commit(lambda: _send_invitation(access, origin=origin or current_origin()))
    return access, created


def _send_invitation(access: GuestAccess, *, origin: str) -> None:
    user = access.user
    link = absolute_url(reverse("guest_set_password", args=[urlsafe_base64_encode(force_bytes(user.pk)),
                                                            default_token_generator.make_token(user)]),
                        origin=origin)
    tasks.send_email.enqueue(
        subject=f"Your access to {access.challenge.council}'s peer challenge action plan",
        body=(
            f"You have been invited, as a returning member of the peer team, to read "
            f"{access.challenge.council}'s action plan for its {access.challenge.title}.\n\n"
            f"Your username is {user.get_username()}. Choose a password here:\n{link}\n\n"
            f"Your access is read-only and ends after {access.expires_on:%-d %B %Y}."
        ),
        to=[user.email],
        council_id=access.challenge.council_id,
    )


@transaction.atomic
def end_guest_access(*, access: GuestAccess, by: Any, today: dt.date | None = None) -> GuestAccess:
    """Ends a guest's access now: its last day becomes yesterday."""
    access = GuestAccess.objects.select_for_update().get(pk=access.pk)
    yesterday = (today or timezone.localdate()) - dt.timedelta(days=1)
    if access.expires_on > yesterday:
        access.expires_on = yesterday
        access._history_user = by  # type: ignore[attr-defined]
        access.save(update_fields=["expires_on"])
    return access
