"""Builds the data a committee pack is rendered from, as plain JSON-ready values.

The snapshot is what an issued pack stores beside its PDF: the report's text, the
challenge, every recommendation with its derived RAG and movement since the previous
pack, and each action with its latest update and the names of the evidence files attached to its
updates by then (the files themselves stay in peertrack), all as they stood on `as_of`. The PDF
template reads only the snapshot, so a stored snapshot renders the same pack again.

Every figure comes from the plan as at the date (`recommendations.asof`), the same picture the
dashboards, the action plan and its exports show, so a pack never says something they do not.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from recommendations import rag as rag_rules
from recommendations.asof import Plan, RecommendationThen, moment_of, plan_as_at
from recommendations.models import Action, EvidenceFile, PeerChallenge, ProgressUpdate
from recommendations.periods import ReportingPeriod
from reviews.models import CommitteeReport, IssuedPack

# 2: the short report (summaries, chosen risks, council look and words, position statement; ADR 0023).
SNAPSHOT_VERSION = 2
SUMMARY_LIMIT = 900
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _person(user: Any) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def movement(now: str, before: str | None, *, compared: bool) -> dict[str, str]:
    """Returns how a recommendation's rating moved since the previous pack, in words.

    `kind` is improved, worse, same, new, changed or none (no previous pack).
    """
    if not compared:
        return {"kind": "none", "text": "No earlier pack"}
    if before is None:
        return {"kind": "new", "text": "New since the last pack"}
    direction = rag_rules.movement(before, now)
    if direction == "same":
        return {"kind": "same", "text": "No change"}
    was = rag_rules.label(before)
    if direction == "up":
        return {"kind": "improved", "text": f"Improved from {was}"}
    if direction == "down":
        return {"kind": "worse", "text": f"Worse than {was} before"}
    return {"kind": "changed", "text": f"Was {was}"}


def _update_data(update: ProgressUpdate | None, files: list[dict[str, Any]]) -> dict[str, Any] | None:
    if update is None:
        return None
    return {
        "period": str(ReportingPeriod(update.period_year, update.period_quarter)),
        "created_on": timezone.localtime(update.created_at).date().isoformat(),
        "rag": update.rag,
        "narrative": update.narrative,
        "evidence": update.evidence,
        # Packs stored before evidence files existed lack this key; the template reads it as none.
        "evidence_files": [file["name"] for file in files if file["update"] == update.pk],
        "next_steps": update.next_steps,
        "author": _person(update.author),
    }


def evidence_files(action_ids: Iterable[int], day: dt.date) -> dict[int, list[dict[str, Any]]]:
    """Returns, per action, the evidence files attached to its updates by the end of `day`, oldest first."""
    files = EvidenceFile.objects.filter(update__action_id__in=list(action_ids)).select_related("update")
    moment = moment_of(day)
    if moment is not None:
        files = files.filter(update__created_at__lte=moment)
    by_action: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for file in files.order_by("update__created_at", "update_id", "pk"):
        by_action[file.update.action_id].append(
            {
                "update": file.update_id,
                "period": str(file.update.period),
                "name": file.name,
                "kind": file.kind_label,
                "size": file.size,
                "sha256": file.sha256,
            }
        )
    return by_action


def previous_pack(challenge: PeerChallenge, as_of: dt.date) -> IssuedPack | None:
    """Returns the latest pack issued for `challenge` whose figures are not later than `as_of`."""
    return (
        IssuedPack.objects.filter(challenge=challenge, as_of__lte=as_of)
        .order_by("-as_of", "-sequence")
        .only("sequence", "as_of", "committee", "meeting_date", "snapshot")
        .first()
    )


def _first_sentence(text: str, limit: int = 240) -> str:
    sentence = _SENTENCE_END.split(" ".join(text.split()), maxsplit=1)[0]
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rsplit(" ", 1)[0] + "…"


def prefill_summary(item: RecommendationThen) -> str:
    """Returns a draft summary of one recommendation's progress for the coordinator to edit.

    A count of its actions by state, then the first sentence of each open action's latest
    narrative (the officers' own words), within `SUMMARY_LIMIT` characters.
    """
    actions = sorted(item.actions, key=lambda then: then.action.reference)
    if not actions:
        return "No actions have been recorded for this recommendation yet."
    done = sum(1 for then in actions if then.status == Action.Status.COMPLETE)
    counted = f"{done} of {len(actions)} action{'s' if len(actions) != 1 else ''} complete."
    sentences = [counted]
    for then in actions:
        if then.latest_update is not None and then.status != Action.Status.COMPLETE and then.latest_update.narrative:
            sentences.append(_first_sentence(then.latest_update.narrative))
    text = ""
    for sentence in sentences:
        if len(text) + len(sentence) + 1 > SUMMARY_LIMIT:
            break
        text = f"{text} {sentence}".strip()
    return text


def risk_candidates(plan: Plan) -> list[dict[str, Any]]:
    """Returns the open actions a coordinator may choose as key risks: Red and overdue first.

    Each row says whether it is pre-selected (Red or overdue); Amber actions follow, unselected.
    """
    rows = []
    for item in plan.recommendations:
        for then in item.actions:
            if then.status in (Action.Status.COMPLETE, Action.Status.CLOSED):
                continue
            if then.rating not in (rag_rules.Rag.RED, rag_rules.Rag.AMBER) and not then.overdue:
                continue
            rows.append(
                {
                    "id": then.action.pk,
                    "recommendation": item.recommendation.number,
                    "reference": then.action.reference,
                    "description": then.description,
                    "lead_officer": _person(then.action.lead_officer),
                    "due_date": then.due_date.isoformat() if then.due_date else None,
                    "rag": then.rating,
                    "overdue": then.overdue,
                    "from_progress_review": then.action.origin == Action.Origin.PROGRESS_REVIEW,
                    "preselected": then.rating == rag_rules.Rag.RED or then.overdue,
                }
            )
    rows.sort(
        key=lambda row: (
            not row["preselected"],
            row["rag"] != rag_rules.Rag.RED,
            row["recommendation"],
            row["reference"],
        )
    )
    return rows


def council_data(challenge: PeerChallenge) -> dict[str, Any]:
    """Returns the council's name, logo (base64, as stored after sanitising) and RAG wording."""
    council = challenge.council
    logo = bytes(council.logo or b"")
    return {
        "name": council.name,
        "logo": {"content_type": council.logo_content_type, "data": base64.b64encode(logo).decode("ascii")}
        if logo
        else None,
        "rag_wording": {value: council.rag_meaning(value) for value in rag_rules.ORDER},
    }


def report_data(report: CommitteeReport) -> dict[str, Any]:
    return {
        "committee": report.committee,
        "meeting_date": report.meeting_date.isoformat(),
        "subject": report.subject,
        "author_name": report.author_name,
        "author_job_title": report.author_job_title,
        "author_service_area": report.author_service_area,
        "author_contact": report.author_contact,
        "purpose": report.purpose,
        "committee_recommendations": report.committee_recommendations(),
        "key_risks": report.key_risks,
        "next_steps": report.next_steps,
        "include_position_statement": report.include_position_statement,
        "is_demo": report.is_demo,
    }


def build_snapshot(
    *, report: CommitteeReport, as_of: dt.date | None = None, today: dt.date | None = None
) -> dict[str, Any]:
    """Returns the pack data for `report`'s challenge as it stood at the end of `as_of`.

    `as_of` None means the plan as it stands now (and the pack says "as at" today).
    Movement is measured against the stored snapshot of the previous issued pack.
    """
    challenge = report.challenge
    today = today or timezone.localdate()
    figures_date = as_of or today
    plan = plan_as_at(challenge, figures_date, details=True)

    previous = previous_pack(challenge, figures_date)
    before: dict[int, str] = {}
    if previous is not None:
        before = {r["number"]: r["rag"] for r in previous.snapshot.get("recommendations", [])}

    files = evidence_files((then.action.pk for item in plan.recommendations for then in item.actions), figures_date)
    council = council_data(challenge)
    meaning = council["rag_wording"]
    summaries = report.recommendation_summaries or {}
    rec_rows: list[dict[str, Any]] = []
    overdue_rows = []
    file_rows = []
    for item in plan.recommendations:
        recommendation = item.recommendation
        action_rows = []
        for then in sorted(item.actions, key=lambda then: then.action.reference):
            action = then.action
            row = {
                "reference": action.reference,
                "description": then.description,
                "lead_officer": _person(action.lead_officer),
                "cabinet_member": action.cabinet_member,
                "directorate": action.directorate,
                "due_date": then.due_date.isoformat() if then.due_date else None,
                "status": then.status,
                # "returned" split out of "in_progress": the state the plan shows (asof.STATE_LABELS).
                "state": then.state,
                "status_label": then.status_label,
                "rag": then.rating,
                "overdue": then.overdue,
                # Packs stored before this key existed lack it; the template reads it as "action plan".
                "from_progress_review": action.origin == Action.Origin.PROGRESS_REVIEW,
                "latest_update": _update_data(then.latest_update, files[action.pk]),
                "evidence_files": files[action.pk],
            }
            action_rows.append(row)
            if then.overdue:
                overdue_rows.append({"recommendation": recommendation.number, **row})
            file_rows += [
                {"recommendation": recommendation.number, "action": action.reference, **file}
                for file in files[action.pk]
            ]
        rec_rows.append(
            {
                "number": recommendation.number,
                "title": recommendation.title,
                "text": recommendation.text,
                "sub_points": list(recommendation.sub_points or []),
                "theme": recommendation.theme.name if recommendation.theme else "",
                "response": recommendation.response,
                "response_label": recommendation.get_response_display(),
                "response_reasons": recommendation.response_reasons,
                "response_narrative": recommendation.response_narrative,
                "rag": item.rating,
                "previous_rag": before.get(recommendation.number),
                "movement": movement(item.rating, before.get(recommendation.number), compared=previous is not None),
                "summary": (summaries.get(str(recommendation.number)) or "").strip() or prefill_summary(item),
                "actions": action_rows,
            }
        )
    chosen = {int(pk) for pk in report.chosen_risks or [] if str(pk).isdigit()}
    risks = [row for row in risk_candidates(plan) if row["id"] in chosen]

    counts = Counter(r["rag"] for r in rec_rows)
    total = len(rec_rows)
    return {
        "version": SNAPSHOT_VERSION,
        "as_of": figures_date.isoformat(),
        "as_of_is_past": as_of is not None and as_of < today,
        "report": report_data(report),
        "challenge": _challenge_data(challenge),
        "previous_pack": None
        if previous is None
        else {
            "sequence": previous.sequence,
            "committee": previous.committee,
            "meeting_date": previous.meeting_date.isoformat(),
            "as_of": previous.as_of.isoformat(),
        },
        "rag_counts": [
            {
                "rag": value,
                "label": rag_rules.label(value),
                "meaning": meaning[value],
                "count": counts.get(value, 0),
                "percent": round(100 * counts.get(value, 0) / total) if total else 0,
            }
            for value in rag_rules.ORDER
        ],
        "rag_key": [
            {"rag": value, "label": rag_rules.label(value), "meaning": meaning[value]} for value in rag_rules.ORDER
        ],
        "council": council,
        "chosen_risks": risks,
        "position_statement": _position_statement(challenge, figures_date)
        if report.include_position_statement
        else None,
        "rag_rule": rag_rules.RULE_TEXT,
        # Packs stored before this key existed lack it; the template then leaves it out.
        "action_rule": rag_rules.ACTION_RULE_TEXT,
        "recommendation_count": total,
        "action_count": sum(len(r["actions"]) for r in rec_rows),
        "overdue_actions": overdue_rows,
        "recommendations": rec_rows,
        # Packs stored before evidence files existed lack this key: no appendix of files.
        "evidence_files": file_rows,
    }


def _challenge_data(challenge: PeerChallenge) -> dict[str, Any]:
    themes = list(challenge.themes.all())
    return {
        "slug": challenge.slug,
        "title": challenge.title,
        "council": challenge.council.name,
        "kind": challenge.get_kind_display(),
        "onsite_start": challenge.onsite_start.isoformat(),
        "onsite_end": challenge.onsite_end.isoformat(),
        "feedback_report_date": (
            challenge.feedback_report_date.isoformat() if challenge.feedback_report_date else None
        ),
        "feedback_report_url": challenge.feedback_report_url,
        "action_plan_published_on": (
            challenge.action_plan_published_on.isoformat() if challenge.action_plan_published_on else None
        ),
        "people_spoken_to": challenge.people_spoken_to,
        "meetings_held": challenge.meetings_held,
        "hours_on_site": challenge.hours_on_site,
        "has_figures": bool(challenge.people_spoken_to or challenge.meetings_held),
        "core_components": [t.name for t in themes if t.kind == t.Kind.CORE_COMPONENT],
        "focus_areas": [t.name for t in themes if t.kind == t.Kind.FOCUS_AREA],
        "peer_team": [
            {"name": p.name, "role": p.role, "organisation": p.organisation} for p in challenge.peer_team.all()
        ],
    }


def _position_statement(challenge: PeerChallenge, day: dt.date) -> dict[str, Any] | None:
    """Returns the latest progress review's position statement on or before `day`, as plain data."""
    from reviews.progress.services import statement_content

    review = challenge.progress_reviews.filter(review_date__lte=day).order_by("-review_date").first()
    if review is None:
        return None
    content = statement_content(review)
    return {
        "review_date": review.review_date.isoformat(),
        "approved": review.is_statement_approved,
        "introduction": content.get("introduction", ""),
        "entries": [
            {"number": e["number"], "title": e["title"], "text": e["text"]} for e in content.get("entries", [])
        ],
    }
