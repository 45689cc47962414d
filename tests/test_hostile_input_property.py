"""Every form and query parameter, driven with hostile values (issue 12, item 7).

Hypothesis picks a form view (or a page with query parameters), a field of it, and a
hostile value: NUL and other control characters, numbers beyond 64 bits, superscript
and other scripts' digits, years 0, 1 and 9999, very long text, right-to-left marks
and emoji, HTML and script, and spreadsheet formulas ("=cmd|..."). Signed in as a user
who may use the page, it asserts:

* no 5xx, ever;
* no partial write: a POST that is refused (the form shown again) leaves every row of
  the project's tables as it was, and a GET never writes;
* output escaped: a `<script>` payload never comes back unescaped, neither on the page
  answering the POST nor on the page a successful POST redirects to;
* nothing stored holds a control character, and every XLSX export opens.

Which forms and parameters exist is not left to memory: one test finds every form class
the project defines and fails if one has no entry in FORM_VIEWS, another reads the views
for the query parameters they take and fails if one has no entry in QUERY_PARAMETERS.
The form fields attacked are read from the rendered form itself, so a new field is
attacked without a change here. Each example runs in a savepoint rolled back after it,
so the examples are independent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import inspect
import io
import pkgutil
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django import forms
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from peertrack import inputs
from recommendations.filters import ActionPlanFilter
from recommendations.models import Action, GuestAccess, Invitation, Membership
from reviews.models import StatementEvidence
from tests import factories
from tests.factories import make_pack, make_peer, make_report, make_review
from tests.recommendations.evidence_helpers import PDF
from tests.recommendations.import_helpers import csv_bytes
from tests.summary import report_summary

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PACKAGES = ("recommendations", "reviews", "peertrack")
SCRIPT = '<script>alert("pt")</script>'
HTML_TYPES = ("text/html",)
TRIED: Counter[str] = Counter()

# --- hostile values --------------------------------------------------------------------------

FIXED_HOSTILE = [
    "\x00", "a\x00b", "\x00" * 5, "\x01\x02\x1b[31m\x7f", "x\x0by\x0cz", "\x85\x9f", "\ufffe\uffff",
    "9" * 30, str(2**63), str(2**64), "-" + "9" * 25, "-1", "0", "1e400", "NaN", "inf", "0x10", "1_000",
    "²", "³", "٣", "３", "٢٠٢٤", "１２", "¹²³", "Ⅻ",
    "0", "1", "9999", "0000", "0001", "10000",
    "0001-01-01", "9999-12-31", "0000-01-01", "1900-02-29", "2024-02-30",
    "31/12/9999", "1/1/0001", "0/0/0", "01/01/1989", "29/2/2101",
    "\u202egnp.exe", "\u200f\u200e\u202a\u202b", "😀" * 20, "👩‍👩‍👧‍👦", "Ω≈ç√∫", "Ｔｅｓｔ", "\u0000\u202e",
    SCRIPT, '"><script>alert("pt")</script>', "<img src=x onerror=alert(1)>", "{{ 7*7 }}", "{% debug %}",
    "=cmd|' /C calc'!A0", "+SUM(1+1)*cmd|' /C calc'!A0", "@SUM(A1)", "-2+3", "=HYPERLINK(\"http://x\")",
    "' OR 1=1 --", "../../etc/passwd", "%00", "%s%s%n", "", " ", "\t", "\r\n", "\n\n\n",
]

hostile_text = st.one_of(
    st.sampled_from(FIXED_HOSTILE),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x20), min_size=1, max_size=10),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.sampled_from([2_001, 5_001, 20_001, 600_001]).map(lambda n: "x" * n),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)).map(
        lambda d: f"{d.day}/{d.month}/{d.year}"),
)


def hostile_value(draw: Callable[[Any], Any], valid: str) -> str:
    """Returns a hostile value, alone or around the field's valid value."""
    value: str = draw(hostile_text)
    mode = draw(st.sampled_from(["replace", "replace", "append", "prepend"]))
    TRIED["values"] += 1
    return {"replace": value, "append": valid + value, "prepend": value + valid}[mode]


# --- the world a test runs in ----------------------------------------------------------------


@dataclass
class World:
    slug: str
    recommendation: Any
    action: Any
    awaiting: Any
    review: Any
    theme: Any
    report: Any
    evidence: Any
    guest: Any
    challenge: Any
    root: Any
    alice: Any
    dave: Any = None  # the administrator: the People pages' single sign-on setting


@pytest.fixture
def world(settings: Any, tmp_path: Any, alice: Any, bob: Any, carol: Any, dave: Any, challenge: Any,
          recommendation: Any, action: Any) -> World:
    settings.MEDIA_ROOT = tmp_path
    theme_heading = factories.make_theme(challenge=challenge, name="Place")
    recommendation.theme = theme_heading
    recommendation.save()
    factories.make_update(action=action, rag="amber", author=bob)
    awaiting = factories.make_action(recommendation=recommendation, reference="1.2", lead_officer=bob,
                                     status=Action.Status.AWAITING_SIGN_OFF)
    # Closed, so the reopen form has something to reopen.
    factories.make_action(recommendation=recommendation, reference="1.3", lead_officer=bob).close(
        by=alice, reason="Superseded by 1.2.")
    peers = [make_peer(challenge=challenge, name="Pat Leader", position=1),
             make_peer(challenge=challenge, name="Sam Manager", position=2)]
    review = make_review(challenge=challenge, peers=peers)
    from reviews.models import ReviewTheme

    theme = ReviewTheme.objects.create(review=review, name="City centre", position=1)
    theme.recommendations.set([recommendation])
    evidence = StatementEvidence.objects.create(review=review, title="Plan", url="https://example.gov.uk/p")
    guest_user = factories.make_user(username="gina")
    guest = GuestAccess.objects.create(user=guest_user, challenge=challenge, peer=peers[0],
                                       expires_on=timezone.localdate() + dt.timedelta(days=7))
    report = make_report(challenge=challenge, by=alice)
    make_pack(report=report)  # pack 1, for withdrawing
    root = factories.make_user(username="root", is_staff=True, is_superuser=True)
    Membership.objects.filter(user=alice).update(role=Membership.Role.COORDINATOR)
    return World(slug=challenge.slug, recommendation=recommendation, action=action, awaiting=awaiting,
                 review=review, theme=theme, report=report, evidence=evidence, guest=guest,
                 challenge=challenge, root=root, alice=alice, dave=dave)


# --- the forms ------------------------------------------------------------------------------


def plan_upload(draw: Callable[..., Any], hostile: str | None) -> SimpleUploadedFile:
    """An action plan as CSV; a hostile value goes into one of its cells."""
    column = draw(st.integers(min_value=0, max_value=9), label="column") if hostile is not None else -1
    row = ["", "1", "Publish the plan", "", "", "Place", "01/02/2024", "31/07/2024", "", ""]
    if hostile is not None:
        row[column] = hostile
    return SimpleUploadedFile("plan.csv", csv_bytes([row]))


def evidence_upload(draw: Callable[..., Any], hostile: str | None) -> SimpleUploadedFile:
    """An evidence file (a PDF); a hostile value goes into its name, its extension, or the text of a CSV file."""
    if hostile is None:
        return SimpleUploadedFile("minutes.pdf", PDF)
    where = draw(st.sampled_from(["name", "extension", "content"]), label="where")
    if where == "name":
        return SimpleUploadedFile(f"{hostile}.pdf", PDF)
    if where == "extension":
        return SimpleUploadedFile(f"minutes.{hostile}", PDF)
    return SimpleUploadedFile("minutes.csv", hostile.encode())


@dataclass(frozen=True)
class FormView:
    """A page whose form is POSTed: where the form is shown, where it goes, who sends it."""

    name: str
    forms: tuple[str, ...]  # the project's form classes it uses ("" when it has none)
    source: Callable[[World], str]
    target: Callable[[World], str] | None = None  # where the form goes, when not back to its own page
    persona: str = "alice"  # "alice" the coordinator, "root" platform staff, "" anonymous
    valid: Callable[[World], dict[str, Any]] = lambda w: {}
    upload: str = ""  # the file field, if the form takes a file
    upload_file: Callable[[Callable[..., Any], str | None], SimpleUploadedFile] = plan_upload

    def post_to(self, world: World) -> str:
        return (self.target or self.source)(world)


def _date(name: str, day: dt.date) -> dict[str, str]:
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month), f"{name}_year": str(day.year)}


def _today() -> dt.date:
    return timezone.localdate()


def _report_data(w: World) -> dict[str, Any]:
    return {"committee": "Scrutiny", **_date("meeting_date", dt.date(2024, 10, 2)), "subject": "Progress",
            "author_name": "Alice", "purpose": "Report", "recommendations_to_committee": "Note it",
            "key_risks": "None", "next_steps": "More", "summary_1": "On track", "risks": []}


def logo_upload(draw: Callable[..., Any], hostile: str | None) -> SimpleUploadedFile:
    """A council logo (an SVG); a hostile value goes into its name, its text or an attribute."""
    if hostile is None:
        return SimpleUploadedFile("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="4"/></svg>')
    where = draw(st.sampled_from(["name", "text", "attribute"]), label="where")
    if where == "name":
        return SimpleUploadedFile(f"{hostile}.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>')
    escaped = hostile.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
    body = (f'<svg xmlns="http://www.w3.org/2000/svg"><text>{escaped}</text></svg>' if where == "text"
            else f'<svg xmlns="http://www.w3.org/2000/svg" fill="{escaped}"/>')
    return SimpleUploadedFile("logo.svg", body.encode("utf-8", "surrogatepass"))


def _r(name: str, *args: Callable[[World], Any]) -> Callable[[World], str]:
    return lambda w: reverse(name, args=[arg(w) for arg in args])


def _admin(model: str, attribute: str) -> Callable[[World], str]:
    """The admin's change page of the world's object `attribute`, e.g. _admin("recommendations_action", "action")."""
    return lambda w: reverse(f"admin:{model}_change", args=[getattr(w, attribute).pk])


SLUG = lambda w: w.slug  # noqa: E731
ACTION = lambda w: w.action.pk  # noqa: E731
REVIEW = lambda w: w.review.pk  # noqa: E731
CLOSED = lambda w: w.recommendation.actions.get(reference="1.3").pk  # noqa: E731

def _meeting(w: World) -> Any:
    """Returns a committee meeting of the world's challenge, recorded the first time it is asked for."""
    from reviews.models import CommitteeMeeting

    return CommitteeMeeting.objects.get_or_create(challenge=w.challenge, committee="Cabinet",
                                                  meeting_date=dt.date(2024, 6, 11))[0]


PEER = lambda w: w.challenge.peer_team.order_by("position").first().pk  # noqa: E731
PLACE = lambda w: w.recommendation.theme_id  # noqa: E731
# The challenge set-up pages (recommendations/setup/, reviews/meetings/; ADR 0020).
SETUP_FORM_VIEWS: list[FormView] = [
    *(FormView(f"set up: {section}", (form,), _r(f"setup_details_{section}", SLUG))
      for section, form in (("visit", "VisitForm"), ("figures", "FiguresForm"), ("report", "ReportForm"),
                            ("publication", "PublicationForm"))),
    FormView("set up: add theme", ("ThemeForm",), _r("setup_themes", SLUG),
             valid=lambda w: {"new-name": "Money", "new-kind": "focus_area"}),
    FormView("set up: rename theme", ("ThemeForm",), _r("setup_theme", SLUG, PLACE),
             valid=lambda w: {"name": "Place and growth"}),
    FormView("set up: move theme", ("MoveForm",), _r("setup_themes", SLUG), _r("setup_theme_move", SLUG, PLACE),
             valid=lambda w: {"direction": "down"}),
    FormView("set up: assign themes", ("AssignForm",), _r("setup_themes", SLUG), _r("setup_theme_assign", SLUG),
             valid=lambda w: {"assign-recommendations": [str(w.recommendation.pk)], "assign-theme": "none"}),
    FormView("set up: response", ("ResponseForm",), _r("setup_response_edit", SLUG, lambda w: 1),
             valid=lambda w: {"response": "not_accepted", "response_reasons": "No budget"}),
    FormView("set up: recommendation text", ("RecommendationTextForm",),
             _r("setup_recommendation_text", SLUG, lambda w: 1), valid=lambda w: {"sub_points": "One\nTwo"}),
    FormView("set up: add peer", ("PeerForm",), _r("setup_peer_team", SLUG),
             valid=lambda w: {"new-name": "Jo Peer", "new-organisation": "LGA"}),
    FormView("set up: change peer", ("PeerForm",), _r("setup_peer", SLUG, PEER),
             valid=lambda w: {"role": "Lead Peer"}),
    FormView("set up: who returned", ("ReturnedForm",), _r("setup_peer_team", SLUG), _r("setup_peers_returned", SLUG),
             valid=lambda w: {"returned-peers": [str(PEER(w))]}),
    FormView("set up: add meeting", ("MeetingForm",), _r("committee_meetings", SLUG),
             valid=lambda w: {"new-committee": "Council",
                              **{f"new-{k}": v for k, v in _date("meeting_date", dt.date(2024, 7, 9)).items()}}),
    FormView("set up: change meeting", ("MeetingForm",),
             lambda w: reverse("committee_meeting", args=[w.slug, _meeting(w).pk]),
             valid=lambda w: {"item": "Update"}),
    FormView("set up: remove meeting", ("RemoveForm",),
             lambda w: reverse("committee_meeting_remove", args=[w.slug, _meeting(w).pk]),
             valid=lambda w: {"confirm": "on"}),
]

FORM_VIEWS: list[FormView] = [
    FormView("sign in", ("SignInForm",), _r("login"), persona="",
             valid=lambda w: {"username": "alice", "password": factories.PASSWORD}),
    FormView("change password", ("",), _r("password_change"),
             valid=lambda w: {"old_password": factories.PASSWORD, "new_password1": "a-new-long-passphrase-9",
                              "new_password2": "a-new-long-passphrase-9"}),
    FormView("record progress", ("ProgressForm",), _r("action", SLUG, ACTION), _r("action_progress", SLUG, ACTION),
             valid=lambda w: {"rag": "green", "narrative": "Done some"}),
    FormView("record progress with a file", ("ProgressForm",), _r("action", SLUG, ACTION),
             _r("action_progress", SLUG, ACTION), valid=lambda w: {"rag": "green", "narrative": "Done some"},
             upload="evidence_files", upload_file=evidence_upload),
    FormView("return for work", ("ReturnForm",), _r("action_return", SLUG, lambda w: w.awaiting.pk),
             valid=lambda w: {"reason": "Not yet"}),
    FormView("edit action", ("ActionEditForm",), _r("action_edit", SLUG, ACTION),
             valid=lambda w: {"reason": "Moved"}),
    FormView("close action", ("CloseForm",), _r("action_close", SLUG, ACTION),
             valid=lambda w: {"reason": "Superseded"}),
    FormView("reopen action", ("ReopenForm",), _r("action_reopen", SLUG, CLOSED),
             valid=lambda w: {"reason": "Needed again"}),
    FormView("action deputy", ("DeputyForm",), _r("action_deputies", SLUG, ACTION),
             valid=lambda w: {"deputy": str(w.alice.pk), **_date("ends_on", _today() + dt.timedelta(days=7))}),
    FormView("council deputy", ("DeputyForm",), _r("deputies", lambda w: "northtown"),
             valid=lambda w: {"lead_officer": str(w.action.lead_officer_id), "deputy": str(w.alice.pk),
                              **_date("ends_on", _today() + dt.timedelta(days=7))}),
    FormView("add action", ("NewActionForm",), _r("action_add", SLUG, lambda w: 1),
             valid=lambda w: {"reference": "1.9", "description": "New", **_date("due_date", dt.date(2025, 3, 31))}),
    FormView("new challenge", ("ChallengeForm",), _r("challenge_create", lambda w: "northtown"),
             valid=lambda w: {"title": "CPC 2029", **_date("onsite_start", dt.date(2029, 2, 1)),
                              **_date("onsite_end", dt.date(2029, 2, 4))}),
    FormView("paste recommendations", ("",), _r("recommendations_import", SLUG),
             valid=lambda w: {"text": "1. Masterplan\nThe council should agree a masterplan.\n",
                              "step": "confirm", "title_1": "Masterplan"}),
    FormView("upload action plan", ("UploadForm",), _r("action_plan_import", SLUG), upload="file"),
    FormView("confirm action plan", ("",), _r("action_plan_import", SLUG), _r("action_plan_import_confirm", SLUG),
             valid=lambda w: {"token": "a" * 43, "fingerprint": "0" * 32}),
    FormView("map action plan columns", ("",), _r("action_plan_import", SLUG),
             _r("action_plan_import_mapping", SLUG),
             valid=lambda w: {"token": "a" * 43, "col_0": "recommendation", "col_1": "description",
                              "status_word_0": "On track", "status_0": "green"}),
    FormView("import a response table", ("ResponseTableForm",), _r("response_table_import", SLUG),
             valid=lambda w: {"text": "Recommendation\tResponse\tActions\n1\tAccepted. We agree.\t"
                                      "Draft a plan\n"}),
    FormView("new committee report", ("CommitteeReportForm",), _r("committee_report_new", SLUG), valid=_report_data),
    FormView("edit committee report", ("CommitteeReportForm",),
             _r("committee_report_edit", SLUG, lambda w: w.report.pk), valid=_report_data),
    FormView("issue a pack", ("IssueForm",), _r("committee_report_issue", SLUG, lambda w: w.report.pk),
             valid=lambda w: {"replaces": "", "reason": ""}),
    FormView("withdraw a pack", ("WithdrawForm",), _r("pack_withdraw", SLUG, lambda w: 1),
             valid=lambda w: {"reason": "Wrong meeting"}),
    FormView("council's look", ("CouncilLookForm",), _r("council_look", SLUG),
             valid=lambda w: {"rag_red": "Cabinet to act"}, upload="logo", upload_file=logo_upload),
    FormView("schedule review", ("ScheduleForm",), _r("review_schedule", SLUG),
             valid=lambda w: _date("review_date", dt.date(2024, 12, 2))),
    FormView("edit review", ("ScheduleForm",), _r("review_edit", SLUG, REVIEW)),
    FormView("add theme", ("ThemeForm",), _r("review_theme_add", SLUG, REVIEW),
             valid=lambda w: {"name": "Money", "recommendations": [str(w.recommendation.pk)]}),
    FormView("peers' feedback", ("FeedbackForm",), _r("review_feedback", SLUG, REVIEW),
             valid=lambda w: _date("report_published_on", dt.date(2024, 12, 20))),
    FormView("position statement", ("StatementForm",), _r("statement_edit", SLUG, REVIEW)),
    FormView("evidence link", ("EvidenceForm",), _r("statement_edit", SLUG, REVIEW),
             _r("statement_evidence_add", SLUG, REVIEW),
             valid=lambda w: {"evidence-title": "Report", "evidence-url": "https://example.gov.uk/r.pdf"}),
    FormView("prefill statement", ("",), _r("statement_edit", SLUG, REVIEW), _r("statement_prefill", SLUG, REVIEW),
             valid=lambda w: {"replace": "all"}),
    FormView("follow-up action", ("FollowUpActionForm",),
             _r("follow_up_action_add", SLUG, REVIEW, lambda w: w.theme.pk),
             valid=lambda w: {"description": "Follow up", **_date("due_date", _today() + dt.timedelta(days=30))}),
    FormView("invite guest", ("GuestInviteForm",), _r("guest_list", SLUG, REVIEW),
             valid=lambda w: {"email": "pat@example.gov.uk"}),
    FormView("admin: action", ("ActionAdminForm",), _admin("recommendations_action", "action"), persona="root"),
    FormView("admin: challenge", ("",), _admin("recommendations_peerchallenge", "challenge"), persona="root"),
    FormView("admin: evidence", ("StatementEvidenceForm",), _admin("reviews_statementevidence", "evidence"),
             persona="root"),
    FormView("admin: guest access", ("GuestAccessForm",), _admin("recommendations_guestaccess", "guest"),
             persona="root"),
    *SETUP_FORM_VIEWS,
]

# The People pages (ADR 0021): bob's membership, and an invitation whose link the test knows.
BOB_MEMBERSHIP = lambda w: Membership.objects.get(user=w.action.lead_officer).pk  # noqa: E731
INVITATION_TOKEN = "hostile-input-invitation-token"


def _invitation(w: World) -> str:
    Invitation.objects.get_or_create(
        token_hash=Invitation.hash_token(INVITATION_TOKEN),
        defaults={"council": w.challenge.council, "email": "ivy@example.gov.uk", "first_name": "Ivy",
                  "role": Membership.Role.OFFICER, "expires_at": timezone.now() + dt.timedelta(days=7)})
    return INVITATION_TOKEN


def people_upload(draw: Callable[..., Any], hostile: str | None) -> SimpleUploadedFile:
    """A people CSV; a hostile value goes into one of its cells, or is the whole file."""
    row = ["Nina", "New", "nina@example.gov.uk", "Officer"]
    if hostile is not None:
        column = draw(st.integers(min_value=-1, max_value=3), label="people column")
        if column < 0:
            return SimpleUploadedFile("people.csv", hostile.encode())
        row[column] = hostile
    return SimpleUploadedFile("people.csv", csv_bytes([row], headers=["First name", "Last name", "Email", "Role"]))


FORM_VIEWS += [
    FormView("invite a person", ("InviteForm",), _r("person_invite", lambda w: "northtown"),
             valid=lambda w: {"first_name": "Nina", "email": "nina@example.gov.uk", "role": "officer"}),
    FormView("change a role", ("RoleForm",), _r("person", lambda w: "northtown", BOB_MEMBERSHIP),
             valid=lambda w: {"role": "scrutiny"}),
    FormView("reassign actions", ("ReassignForm",), _r("person_reassign", lambda w: "northtown", BOB_MEMBERSHIP),
             valid=lambda w: {"to_user": str(w.alice.pk)}),
    FormView("invite people from a CSV file", ("PeopleUploadForm",), _r("people_import", lambda w: "northtown"),
             upload="file", upload_file=people_upload),
    FormView("accept an invitation", ("AcceptForm",), _r("invitation_accept", _invitation), persona="",
             valid=lambda w: {"new_password1": "a-long-unusual-passphrase-77",
                              "new_password2": "a-long-unusual-passphrase-77"}),
    FormView("single sign-on setting", ("SsoSettingForm",), _r("people", lambda w: "northtown"),
             _r("council_sso", lambda w: "northtown"), persona="dave", valid=lambda w: {"require_sso": "on"}),
    FormView("ask for a password reset", ("ResetRequestForm",), _r("password_reset"),
             persona="", valid=lambda w: {"email": "alice@example.gov.uk"}),
]

# Bases that no view uses on their own.
ABSTRACT_FORMS = {"DatePartsForm", "_DateForm", "SectionForm", "OneFileForm"}
# Forms that read the query string, not a POST: driven by the query-parameter test below.
QUERY_FORMS = {"QueryDateForm"}  # ?as_of= and ?since= (recommendations.forms.read_date)


class _FormReader(HTMLParser):
    """Collects what a browser would send for the POST form whose action is `target`."""

    def __init__(self, page: str, target: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page, self.target = page, target
        self.found: list[dict[str, list[str]]] = []
        self.current: dict[str, list[str]] | None = None
        self.select: tuple[str, bool] | None = None
        self.options: list[tuple[str, bool]] = []
        self.textarea: str | None = None
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            action = urlsplit(a.get("action", "")).path or self.page
            if action == self.target:
                self.current = {}
                self.found.append(self.current)
            return
        if self.current is None or "name" not in a and tag != "option":
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.current.setdefault(a["name"], []).append(a.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "textarea":
            self.textarea, self.text = a["name"], ""
        elif tag == "select":
            self.select, self.options = (a["name"], "multiple" in a), []
        elif tag == "option" and self.select is not None:
            self.options.append((a.get("value", ""), "selected" in a))

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.text += data

    def handle_endtag(self, tag: str) -> None:
        if self.current is None:
            return
        if tag == "textarea" and self.textarea is not None:
            self.current.setdefault(self.textarea, []).append(self.text.removeprefix("\n"))
            self.textarea = None
        elif tag == "select" and self.select is not None:
            name, multiple = self.select
            chosen = [value for value, selected in self.options if selected]
            if not chosen and not multiple and self.options:
                chosen = [self.options[0][0]]
            self.current.setdefault(name, []).extend(chosen)
            self.select = None
        elif tag == "form":
            self.current = None


def read_form(client: Client, source: str, target: str) -> dict[str, list[str]]:
    """Returns the fields of the form posting to `target` on the page at `source`."""
    page = client.get(source)
    assert page.status_code == 200, (source, page.status_code)
    reader = _FormReader(source, target)
    reader.feed(page.content.decode())
    assert reader.found, f"No form posting to {target} on {source}"
    return max(reader.found, key=len)


# --- checks ---------------------------------------------------------------------------------


def _project_models() -> list[Any]:
    return [model for model in apps.get_models()
            if model._meta.app_label in ("recommendations", "reviews", "auth")
            and model.__name__ != "SubmissionKey"]


def all_rows() -> list[tuple[str, list[tuple[Any, ...]]]]:
    """Returns every row of the project's tables (history included), in a fixed order."""
    return [(model._meta.label, list(model._default_manager.order_by("pk").values_list()))
            for model in _project_models()]


def fingerprint(rows: list[tuple[str, list[tuple[Any, ...]]]] | None = None) -> str:
    """Returns a digest of every row of the project's tables."""
    return hashlib.sha256(repr(all_rows() if rows is None else rows).encode()).hexdigest()


def stored_controls(rows: list[tuple[str, list[tuple[Any, ...]]]]) -> list[tuple[str, str]]:
    """Returns (model, text) for every stored text value holding a control character."""
    return [(label, value) for label, table in rows for row in table for value in row
            if isinstance(value, str) and inputs.has_control(value)]


def assert_escaped(response: Any) -> None:
    if response.get("Content-Type", "").startswith(HTML_TYPES):
        body = response.content.decode(errors="replace")
        assert "<script>alert(" not in body
        assert "<img src=x" not in body


def assert_export_opens(response: Any) -> None:
    if response.status_code == 200 and "spreadsheetml" in response.get("Content-Type", ""):
        load_workbook(io.BytesIO(response.content), read_only=True).close()
    if response.status_code == 200 and response.get("Content-Type", "").startswith("text/csv"):
        assert not inputs.has_control(response.content.decode("utf-8-sig").replace("\x7f", ""))


class _Rollback(Exception):
    pass


def in_savepoint(check: Callable[[], None]) -> None:
    """Runs `check` and undoes whatever it wrote, so each example starts from the same world."""
    try:
        with transaction.atomic():
            check()
            raise _Rollback
    except _Rollback:
        pass


# --- the tests ------------------------------------------------------------------------------


def _project_form_classes() -> set[str]:
    names = set()
    for package in PROJECT_PACKAGES:
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
            if ".migrations" in info.name or ".management" in info.name:
                continue
            module = importlib.import_module(info.name)
            for name, value in vars(module).items():
                if (inspect.isclass(value) and issubclass(value, forms.BaseForm)
                        and value.__module__ == module.__name__):
                    names.add(name)
    return names - ABSTRACT_FORMS


def test_every_form_the_project_defines_is_driven() -> None:
    driven = {name for view in FORM_VIEWS for name in view.forms if name}
    assert _project_form_classes() - driven - QUERY_FORMS == set()


def test_hostile_form_posts_get_no_server_error_no_partial_write_and_escaped_output(
        client: Client, world: World) -> None:
    clients = {"alice": Client(), "root": Client(), "": Client(), "dave": Client()}
    clients["alice"].force_login(world.alice)
    clients["dave"].force_login(world.dave)
    clients["root"].force_login(world.root)
    baselines: dict[str, dict[str, list[str]]] = {}
    for view in FORM_VIEWS:
        browser = clients[view.persona]
        source, target = view.source(world), view.post_to(world)
        # The confirmation and the column mapping step are POST-only pages the upload leads to.
        read = (read_form(browser, source, target)
                if view.name not in ("confirm action plan", "map action plan columns") else {})
        read.pop("csrfmiddlewaretoken", None)
        read.pop("submission_key", None)
        data = {**read, **{key: value if isinstance(value, list) else [value]
                           for key, value in view.valid(world).items()}}
        if view.upload:
            data[view.upload] = ["a file"]
        baselines[view.name] = data

    @settings(max_examples=200, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                     HealthCheck.data_too_large])
    @given(st.data())
    def post(data: st.DataObject) -> None:
        view = data.draw(st.sampled_from(FORM_VIEWS), label="view")
        baseline = baselines[view.name]
        name = data.draw(st.sampled_from(sorted(baseline)), label="field")
        values = baseline[name]
        hostile = hostile_value(data.draw, values[0] if values else "")
        TRIED[f"POST {view.name}"] += 1
        body: dict[str, Any] = {key: list(value) for key, value in baseline.items()}
        body[name] = [hostile]
        if view.upload:
            body[view.upload] = view.upload_file(data.draw, hostile if name == view.upload else None)
        browser = clients[view.persona]

        def check() -> None:
            before = fingerprint()
            response = browser.post(view.post_to(world), body)
            assert response.status_code < 500, (view.name, name, hostile[:80])
            if view.persona:  # a refusal, not a signed-out user, or the example proves nothing
                assert not response.get("Location", "").startswith(reverse("login")), view.name
            assert_escaped(response)
            after = all_rows()
            if response.status_code in (301, 302, 303):
                if "<" in hostile:
                    assert_escaped(browser.get(response["Location"]))
            else:
                assert fingerprint(after) == before, f"A refused POST to {view.name} wrote ({name}={hostile[:80]!r})"
            assert stored_controls(after) == [], (view.name, name)

        in_savepoint(check)
        if view.name == "change password":
            # A changed password starts a new session, which the rollback has just removed.
            browser.force_login(world.alice)

    post()
    total = sum(count for key, count in TRIED.items() if key.startswith("POST "))
    report_summary(f"hostile input: {total} form submissions over {len(FORM_VIEWS)} form views; 5xx: 0; "
                   "partial writes: 0")


# --- query parameters -------------------------------------------------------------------------

# The "as at" and "compare with" dates' GOV.UK date inputs (read by forms.read_date with the link form).
AS_OF_BOXES = ("as_of_day", "as_of_month", "as_of_year")
SINCE_BOXES = ("since_day", "since_month", "since_year")
PLAN_PARAMETERS = ("as_of", *AS_OF_BOXES, "page", "sort", "show", *ActionPlanFilter.base_filters)
QUERY_PARAMETERS: dict[str, tuple[str, ...]] = {
    "dashboard": ("as_of", "since", *AS_OF_BOXES, *SINCE_BOXES),
    "action_plan": PLAN_PARAMETERS,
    "action_plan_csv": PLAN_PARAMETERS,
    "action_plan_xlsx": PLAN_PARAMETERS,
    "portfolio": ("as_of", *AS_OF_BOXES),
    "search": ("q",),
    "pack_list": ("page",),
    "login": ("next",),
    # The rows-to-fix download of an action plan import (issue 17): the upload's token and layout.
    "action_plan_import_problems": ("token", "sheet", "col_0", "col_1", "status_word_0", "status_0"),
    # Where the identity provider sends the browser back after single sign-on (peertrack/oidc.py).
    "sso_callback": ("code", "state", "error"),
}
_READ = re.compile(r"""request\.GET\.get\(\s*["'](\w+)["']|read_date\(\s*request(?:\.GET)?\s*,\s*["'](\w+)["']""")


def test_every_query_parameter_a_view_reads_is_driven() -> None:
    read = set()
    for path in [*ROOT.glob("recommendations/views/*.py"), *ROOT.glob("reviews/**/*.py"), *ROOT.glob("peertrack/*.py")]:
        for match in _READ.finditer(path.read_text()):
            read.add(match[1] or match[2])
    driven = {name for names in QUERY_PARAMETERS.values() for name in names}
    assert {"as_of", "since", "page"} <= read, "the scan no longer finds what the views read"
    assert read - driven == set()
    assert set(ActionPlanFilter.base_filters) <= driven


def test_hostile_query_parameters_get_no_server_error_no_write_and_escaped_output(
        client: Client, world: World) -> None:
    client.force_login(world.alice)
    urls = {name: reverse(name, args=[world.slug]) if name.startswith(("dashboard", "action_plan", "pack_list"))
            else reverse(name) for name in QUERY_PARAMETERS}

    @settings(max_examples=120, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                     HealthCheck.data_too_large])
    @given(st.data())
    def get(data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(sorted(QUERY_PARAMETERS)), label="view")
        chosen = data.draw(st.lists(st.sampled_from(QUERY_PARAMETERS[name]), min_size=1, max_size=3,
                                    unique=True), label="parameters")
        params = {key: hostile_value(data.draw, "2024-06-01" if key in ("as_of", "since") else "")[:10_000]
                  for key in chosen}
        TRIED[f"GET {name}"] += len(params)
        headers = {"HX-Request": "true"} if data.draw(st.booleans(), label="htmx") else {}

        def check() -> None:
            before = fingerprint()
            response = client.get(urls[name], params, headers=headers)
            assert response.status_code < 500, (name, params)
            assert_escaped(response)
            assert_export_opens(response)
            assert fingerprint() == before, f"GET {name} wrote"

        in_savepoint(check)

    get()
    total = sum(count for key, count in TRIED.items() if key.startswith("GET "))
    report_summary(f"hostile input: {total} query-string values over {len(QUERY_PARAMETERS)} pages; 5xx: 0; "
                   "writes: 0")
