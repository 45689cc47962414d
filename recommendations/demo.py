"""Loads the demo data in fixtures/ into the database, idempotently.

The fixture files describe councils as documents (council, users, challenges,
recommendations, actions, updates, progress review). Each row is found by its
natural key; a missing row is created, an existing one is saved only when a
field differs, so loading twice changes nothing, not even the history.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import models, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from recommendations.models import (
    Action,
    Council,
    Membership,
    PeerChallenge,
    PeerTeamMember,
    ProgressUpdate,
    Recommendation,
    Theme,
)
from recommendations.periods import ReportingPeriod
from reviews.models import CommitteeMeeting, PositionStatement, ProgressReview, ReturningPeer, ReviewTheme

FIXTURES = [Path(settings.BASE_DIR) / "fixtures" / name for name in ("coventry.json", "demo_borough.json")]

# The demo logins `make demo` prints. Never created when DEBUG is off.
DEMO_PASSWORDS = {
    "coordinator": "demo-coordinator-2024",
    "officer": "demo-officer-2024",
    "scrutiny": "demo-scrutiny-2024",
    "admin": "demo-admin-2024",
    "otherofficer": "demo-otherofficer-2024",
}

# A model's admin permissions a council's staff may hold: to read, to edit (add and change), or all.
_VIEW = ("view",)
_EDIT = ("view", "add", "change")
_ALL = ("view", "add", "change", "delete")

# What a coordinator may do in the admin: fix their council's data, never edit history.
COORDINATOR_PERMISSIONS = {
    "recommendations.peerchallenge": _EDIT,
    "recommendations.peerteammember": _ALL,
    "recommendations.theme": _ALL,
    "recommendations.recommendation": _EDIT,
    "recommendations.action": _EDIT,
    "recommendations.progressupdate": _VIEW,
    "recommendations.membership": _VIEW,
    # Guest access is only ever given from the progress review (GuestAccessAdmin has no "Add").
    "recommendations.guestaccess": ("view", "change", "delete"),
    "reviews.committeemeeting": _ALL,
    "reviews.progressreview": _EDIT,
    "reviews.reviewtheme": _ALL,
    "reviews.returningpeer": _ALL,
    "reviews.positionstatement": _EDIT,
    "reviews.committeereport": _EDIT,
    "reviews.issuedpack": _VIEW,
    "reviews.statementevidence": _ALL,
    "auth.user": _VIEW,
}

# What a council's administrator may do in the admin: look after the council's people
# (add them, give roles, switch accounts off). Not a superuser (ADR 0012): the admin keeps
# them to their own council, and they grant no permission they do not hold.
ADMINISTRATOR_PERMISSIONS = {
    "auth.user": _EDIT,
    "recommendations.membership": _ALL,
}


class DemoDataError(Exception):
    """The fixture files are missing or inconsistent."""


@dataclass
class LoadReport:
    created: Counter[str] = field(default_factory=Counter)
    changed: Counter[str] = field(default_factory=Counter)
    logins: list[tuple[str, str, str, str]] = field(default_factory=list)

    @property
    def touched(self) -> int:
        return sum(self.created.values()) + sum(self.changed.values())


def _date(value: str | None) -> dt.date | None:
    return parse_date(value) if value else None


def _datetime(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    parsed = parse_datetime(value.replace("Z", "+00:00"))
    if parsed is None:
        raise DemoDataError(f"{value!r} is not a date and time.")
    return parsed


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))


class _Loader:
    def __init__(self, *, with_logins: bool) -> None:
        self.with_logins = with_logins
        self.report = LoadReport()
        self.users: dict[str, Any] = {}

    def sync(self, model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any]) -> Any:
        """Returns the row found by `lookup`, created or brought up to `values` as needed."""
        name = model._meta.verbose_name_plural
        obj = model._default_manager.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
            obj.full_clean(validate_unique=False, validate_constraints=False)
            obj.save()
            self.report.created[str(name)] += 1
            return obj
        changed = [key for key, value in values.items() if getattr(obj, key) != value]
        if changed:
            if isinstance(obj, ProgressUpdate):
                raise DemoDataError(
                    f"The demo update of {obj.action.reference} at {obj.created_at} differs from the "
                    "fixture, and progress updates are never edited."
                )
            for key in changed:
                setattr(obj, key, values[key])
            obj.save(update_fields=changed)
            self.report.changed[str(name)] += 1
        return obj

    def sync_m2m(self, manager: Any, wanted: list[models.Model]) -> None:
        current = {obj.pk for obj in manager.all()}
        if current != {obj.pk for obj in wanted}:
            manager.set(wanted)
            (self.report.changed if current else self.report.created)["theme mappings"] += 1

    def load(self, document: dict[str, Any]) -> None:
        council = self.sync(Council, {"slug": document["council"]["slug"]},
                            {"name": document["council"]["name"]})
        for person in document["users"]:
            self.load_user(council, person)
        for challenge in document["challenges"]:
            self.load_challenge(council, challenge)
        self.archive_finished_cycles(document)

    def archive_finished_cycles(self, document: dict[str, Any]) -> None:
        """Archives each of the document's challenges but the latest: a cycle ends when the next begins.

        Archived by the document's coordinator; already archived, nothing changes.
        """
        coordinator = next((self.users[person["key"]] for person in document["users"]
                            if person["role"] == Membership.Role.COORDINATOR), None)
        earlier = sorted(document["challenges"], key=lambda data: data["onsite_start"])[:-1]
        for data in earlier:
            if PeerChallenge.objects.get(slug=data["slug"]).archive(by=coordinator):
                self.report.changed["archived challenges"] += 1

    def load_user(self, council: Council, person: dict[str, Any]) -> None:
        User = get_user_model()
        username = person["username"]
        user = User.objects.filter(username=username).first()
        role = person["role"]
        if user is None:
            user = User(username=username)
            password = DEMO_PASSWORDS.get(username) if person.get("demo_login") else None
            if password and self.with_logins:
                user.set_password(password)
            else:
                user.set_unusable_password()
            user.first_name, user.last_name = person["first_name"], person["last_name"]
            user.email = person["email"]
            # The demo makes no superuser: a known password must never open every council.
            user.is_staff = role in (Membership.Role.COORDINATOR, Membership.Role.ADMINISTRATOR)
            user.save()
            self.report.created["users"] += 1
            if role == Membership.Role.COORDINATOR:
                user.user_permissions.set(_coordinator_permissions())
            elif role == Membership.Role.ADMINISTRATOR:
                user.user_permissions.set(_administrator_permissions())
        elif user.is_superuser:
            # Earlier demo loads made the administrator a superuser; no demo user is one (ADR 0012).
            user.is_superuser = False
            user.save(update_fields=["is_superuser"])
            if role == Membership.Role.ADMINISTRATOR:
                user.user_permissions.set(_administrator_permissions())
        if person.get("demo_login") and username in DEMO_PASSWORDS:
            shown = DEMO_PASSWORDS[username] if self.with_logins else "(no password: DEBUG is off)"
            self.report.logins.append((username, shown, Membership.Role(role).label, council.name))
        self.users[person["key"]] = user
        self.sync(Membership, {"user": user, "council": council},
                  {"role": role, "job_title": person.get("job_title", "")})

    def user(self, key: str | None) -> Any:
        if key is None:
            return None
        try:
            return self.users[key]
        except KeyError:
            raise DemoDataError(f"The fixture names a user {key!r} it does not define.") from None

    def load_challenge(self, council: Council, data: dict[str, Any]) -> None:
        challenge = self.sync(PeerChallenge, {"slug": data["slug"]}, {
            "council": council,
            "title": data["title"],
            "kind": data["kind"],
            "onsite_start": _date(data["onsite_start"]),
            "onsite_end": _date(data["onsite_end"]),
            "feedback_report_date": _date(data.get("feedback_report_date")),
            "feedback_report_url": data.get("feedback_report_url", ""),
            "action_plan_published_on": _date(data.get("action_plan_published_on")),
            "people_spoken_to": data.get("people_spoken_to"),
            "meetings_held": data.get("meetings_held"),
            "hours_on_site": data.get("hours_on_site"),
            "figures_note": data.get("figures_note", ""),
        })
        themes: dict[str, Theme] = {}
        for position, theme in enumerate(data["themes"], start=1):
            themes[theme["name"]] = self.sync(
                Theme, {"challenge": challenge, "name": theme["name"]},
                {"kind": theme["kind"], "description": theme.get("description", ""),
                 "position": position},
            )
        peers: dict[str, PeerTeamMember] = {}
        for position, peer in enumerate(data["peer_team"], start=1):
            peers[peer["name"]] = self.sync(
                PeerTeamMember, {"challenge": challenge, "name": peer["name"]},
                {"role": peer.get("role", ""), "organisation": peer.get("organisation", ""),
                 "position": position},
            )
        for meeting in data.get("committee_meetings", []):
            self.sync(CommitteeMeeting, {
                "challenge": challenge, "committee": meeting["committee"],
                "meeting_date": _date(meeting["date"]),
            }, {"item": meeting.get("item", ""), "is_demo": meeting.get("is_demo", False)})
        recommendations: dict[int, Recommendation] = {}
        for rec in data["recommendations"]:
            theme_name = rec.get("theme")
            if theme_name and theme_name not in themes:
                raise DemoDataError(f"Recommendation {rec['number']} names an unknown theme {theme_name!r}.")
            recommendation = self.sync(Recommendation, {"challenge": challenge, "number": rec["number"]}, {
                "title": rec["title"],
                "text": rec["text"],
                "sub_points": rec.get("sub_points", []),
                "theme": themes.get(theme_name) if theme_name else None,
                "response": rec.get("response", Recommendation.Response.NOT_RECORDED),
                "response_reasons": rec.get("response_reasons", ""),
                "response_narrative": rec.get("response_narrative", ""),
            })
            recommendations[rec["number"]] = recommendation
            for action in rec.get("actions", []):
                self.load_action(recommendation, action)
        review = data.get("progress_review")
        if review:
            self.load_review(challenge, review, peers, recommendations)

    def load_action(self, recommendation: Recommendation, data: dict[str, Any]) -> None:
        updates = data.get("updates", [])
        start = _date(data.get("start_date"))
        first_update = _datetime(updates[0]["created_at"]) if updates else None
        candidates = [moment for moment in (start and _start_of(start), first_update) if moment]
        created_at = min(candidates) if candidates else _start_of(recommendation.challenge.onsite_end)
        action = self.sync(Action, {"recommendation": recommendation, "reference": data["reference"]}, {
            "description": data["description"],
            "lead_officer": self.user(data.get("lead_officer")),
            "cabinet_member": data.get("cabinet_member", ""),
            "directorate": data.get("directorate", ""),
            "start_date": start,
            "due_date": _date(data.get("due_date")),
            "status": data["status"],
            "signed_off_by": self.user(data.get("signed_off_by")),
            "signed_off_at": _datetime(data.get("signed_off_at")),
            "source": data.get("source", ""),
            "is_demo": data.get("is_demo", False),
            "created_at": created_at,
        })
        for update in updates:
            period = ReportingPeriod.parse(update["period"])
            self.sync(ProgressUpdate, {"action": action, "created_at": _datetime(update["created_at"])}, {
                "period_year": period.year,
                "period_quarter": period.quarter,
                "rag": update["rag"],
                "narrative": update["narrative"],
                "evidence": update.get("evidence", ""),
                "next_steps": update.get("next_steps", ""),
                "author": self.user(update.get("author")),
                "is_demo": update.get("is_demo", False),
                "source": update.get("source", ""),
            })

    def load_review(self, challenge: PeerChallenge, data: dict[str, Any],
                    peers: dict[str, PeerTeamMember],
                    recommendations: dict[int, Recommendation]) -> None:
        statement = data.get("position_statement") or {}
        review = self.sync(ProgressReview, {"challenge": challenge, "review_date": _date(data["review_date"])}, {
            "report_published_on": _date(data.get("report_published_on")),
            "overall_feedback": data.get("overall_feedback", ""),
            "final_thoughts": data.get("final_thoughts", ""),
            "statement_introduction": statement.get("introduction", ""),
            "statement_is_demo": statement.get("is_demo", False),
        })
        for peer in data.get("returning_peers", []):
            if peer["name"] not in peers:
                raise DemoDataError(f"Returning peer {peer['name']!r} is not in the peer team.")
            self.sync(ReturningPeer, {"review": review, "member": peers[peer["name"]]},
                      {"role_at_review": peer.get("role_at_review", "")})
        for position, theme in enumerate(data.get("themes", []), start=1):
            review_theme = self.sync(ReviewTheme, {"review": review, "name": theme["name"]}, {
                "position": position,
                "feedback": theme.get("feedback", ""),
                "mapping_note": theme.get("mapping_note", ""),
            })
            self.sync_m2m(review_theme.recommendations,
                          [recommendations[number] for number in theme.get("recommendations", [])])
        for entry in statement.get("entries", []):
            self.sync(PositionStatement, {"review": review, "recommendation": recommendations[entry["recommendation"]]},
                      {"text": entry["text"], "is_demo": entry.get("is_demo", False)})


def _permissions(spec: dict[str, tuple[str, ...]]) -> list[Permission]:
    permissions = []
    for model, actions in spec.items():
        app_label, model_name = model.split(".")
        for action in actions:
            permissions.append(Permission.objects.get(
                content_type__app_label=app_label, codename=f"{action}_{model_name}"
            ))
    return permissions


def _coordinator_permissions() -> list[Permission]:
    return _permissions(COORDINATOR_PERMISSIONS)


def _administrator_permissions() -> list[Permission]:
    return _permissions(ADMINISTRATOR_PERMISSIONS)


def load_demo(*, with_logins: bool, paths: list[Path] | None = None, with_pack: bool = False) -> LoadReport:
    """Loads every fixture file in one transaction and returns what it created or changed.

    `with_pack` (what `manage.py load_demo` asks for) then issues the demo's committee pack for the
    29 January 2025 "Peer Review Progress Update", once (reviews.packs.services.issue_demo_packs).
    """
    loader = _Loader(with_logins=with_logins)
    with transaction.atomic():
        for path in paths or FIXTURES:
            try:
                document = json.loads(path.read_text(encoding="utf-8"))
            except FileNotFoundError:
                raise DemoDataError(f"The demo data file {path} is missing.") from None
            except json.JSONDecodeError as error:
                raise DemoDataError(f"{path.name} is not valid JSON: {error}") from None
            loader.load(document)
    if with_pack:
        # Imported here: the packs' rendering (WeasyPrint, python-docx) is not needed to load data.
        from reviews.packs.services import issue_demo_packs

        issued = issue_demo_packs()
        if issued:
            loader.report.created["committee packs"] += issued
    return loader.report
