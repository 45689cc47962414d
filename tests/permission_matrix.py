"""Who may do what on every URL: the expectation table tests/test_permission_matrix.py checks.

Every URL name the resolver knows must have an entry in EXPECTED (the admin's are
built from ADMIN_MODELS). An entry is a policy: given who asks (their standing
towards the object in the URL) and the method, it says which answer is right.

Standing: ANON (signed out); COORDINATOR, LEAD (an officer leading the URL's
action), OFFICER, SCRUTINY, ADMINISTRATOR (members of the object's council);
GUEST (unexpired guest access to the object's challenge); STRANGER (signed in
but neither: another council, an expired guest, a guest of another challenge);
MIXED (the URL names a challenge the user may see but an object of another
challenge or council: an ID swapped into a good URL). DEPUTY: an officer of the council
named as an active deputy (`Deputy`) for the URL's action; a table that does not name
DEPUTY gives them an officer's answer, so a deputy has an officer's rights and only
what a table adds (recording progress on that action).

The admin (ADR for item 1 of issue 12): a scoped fix-up tool for a council's
coordinators and administrators, who are staff with model permissions and never
superusers. Everyone else is sent to the admin's sign-in. Another council's
objects are hidden (404, 403 or the admin's "does not exist" redirect to its
index), history list, history form and revert included; a view permission never
saves.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

ANON = "anonymous"
COORDINATOR = "coordinator"
LEAD = "lead officer"
OFFICER = "officer"
SCRUTINY = "scrutiny"
ADMINISTRATOR = "administrator"
GUEST = "guest"
STRANGER = "stranger"
MIXED = "mixed"
DEPUTY = "deputy"

MEMBERS = (COORDINATOR, LEAD, OFFICER, SCRUTINY, ADMINISTRATOR)
READERS = (*MEMBERS, GUEST)
SIGNED_IN = (*READERS, STRANGER, MIXED)


@dataclass(frozen=True)
class Outcome:
    """An acceptable answer: its status codes, where a redirect must go, and whether a POST may write.

    `redirect_to` is a path prefix a 302 must start with; None accepts any place
    except a sign-in page (a redirect to sign in is its own outcome).
    """

    label: str
    statuses: frozenset[int]
    may_write: bool
    redirect_to: str | None = None
    redirect_exact: bool = False

    def accepts(self, status: int, location: str) -> bool:
        if status not in self.statuses:
            return False
        if status != 302:
            return True
        path = location.split("?", 1)[0]
        if self.redirect_to is None:
            return not path.startswith(("/sign-in/", "/admin/login/"))
        return path == self.redirect_to if self.redirect_exact else path.startswith(self.redirect_to)


def _outcome(label: str, *statuses: int, may_write: bool = False, redirect_to: str | None = None,
             redirect_exact: bool = False) -> Outcome:
    return Outcome(label, frozenset(statuses), may_write, redirect_to, redirect_exact)


OK = _outcome("200", 200, may_write=True)
# A POST that may change things: saved (redirect), or the form shown again with errors.
WRITE = _outcome("allowed (200, 302 or 400)", 200, 302, 400, may_write=True)
REDIRECT = _outcome("redirect (302)", 302, may_write=True)
SHOWN = _outcome("200, nothing saved", 200)
# simple-history's revert: allowed with the change permission, unless reverting is turned off.
REVERT = _outcome("reverted, or refused (403)", 200, 302, 400, 403, may_write=True)
SIGN_IN = _outcome("sent to sign in", 302, redirect_to="/sign-in/")
ADMIN_LOGIN = _outcome("sent to the admin's sign-in", 302, redirect_to="/admin/login/")
FORBIDDEN = _outcome("403", 403)
NOT_FOUND = _outcome("404", 404)
NOT_ALLOWED = _outcome("405", 405)
REFUSED = _outcome("refused (403, 404 or 405)", 403, 404, 405)
HIDDEN = _outcome("hidden (404, 403 or redirect to the admin index)", 404, 403, 302,
                  redirect_to="/admin/", redirect_exact=True)


@dataclass(frozen=True)
class Case:
    """One request of the matrix, as far as the expectation needs it."""

    persona: str
    standing: str
    method: str  # "GET" or "POST"
    kind: str
    staff_permissions: frozenset[str] = field(default_factory=frozenset)  # "app.model.view", ...


Policy = Callable[[Case], Outcome]


def table(get: dict[tuple[str, ...], Outcome], post: dict[tuple[str, ...], Outcome], *,
          anonymous: Outcome = SIGN_IN, anonymous_post: Outcome | None = None) -> Policy:
    """Returns a policy from {standings: outcome} for GET and POST.

    Signed out gets `anonymous` (for a POST `anonymous_post`, if given).

    An ID swapped into a good URL (MIXED) is always refused.
    """

    def flat(rules: dict[tuple[str, ...], Outcome]) -> dict[str, Outcome]:
        return {standing: outcome for standings, outcome in rules.items() for standing in standings}

    by_method = {"GET": flat(get), "POST": flat(post)}

    def policy(case: Case) -> Outcome:
        if case.standing == ANON:
            return anonymous_post if case.method == "POST" and anonymous_post else anonymous
        if case.standing == MIXED:
            return REFUSED
        rules = by_method[case.method]
        if case.standing == DEPUTY and DEPUTY not in rules:
            return rules[OFFICER]
        return rules[case.standing]

    return policy


OTHERS = (LEAD, OFFICER, SCRUTINY, ADMINISTRATOR, GUEST)
NOT_LEADS = (OFFICER, SCRUTINY, ADMINISTRATOR, GUEST)

PUBLIC_PAGE = table({SIGNED_IN: OK}, {SIGNED_IN: NOT_ALLOWED}, anonymous=OK, anonymous_post=NOT_ALLOWED)
SIGNED_IN_PAGE = table({SIGNED_IN: OK}, {SIGNED_IN: NOT_ALLOWED})
# Everyone who may open the challenge reads it (ADR 0011); POST is refused.
READ = table({READERS: OK, (STRANGER,): NOT_FOUND}, {SIGNED_IN: NOT_ALLOWED})
# Coordinators change; other members and guests are forbidden; others don't see it.
COORDINATE = table({(COORDINATOR,): OK, OTHERS: FORBIDDEN, (STRANGER,): NOT_FOUND},
                   {(COORDINATOR,): WRITE, OTHERS: FORBIDDEN, (STRANGER,): NOT_FOUND})
COORDINATE_READ = table({(COORDINATOR,): OK, OTHERS: FORBIDDEN, (STRANGER,): NOT_FOUND},
                        {SIGNED_IN: NOT_ALLOWED})
COORDINATE_POST = table({SIGNED_IN: NOT_ALLOWED},
                        {(COORDINATOR,): WRITE, OTHERS: FORBIDDEN, (STRANGER,): NOT_FOUND})
# A download made from an upload waiting for confirmation: without its token (which the matrix
# cannot hold) a coordinator is sent back to the upload page; nothing is written.
COORDINATE_UPLOAD_DOWNLOAD = table(
    {(COORDINATOR,): _outcome("sent back to upload (302)", 302, redirect_to="/challenges/"),
     OTHERS: FORBIDDEN, (STRANGER,): NOT_FOUND},
    {SIGNED_IN: NOT_ALLOWED})
# Returning an action: the page (200) or, once it is no longer awaiting sign-off, a redirect.
COORDINATE_RETURN = table({(COORDINATOR,): WRITE, OTHERS: FORBIDDEN, (STRANGER,): NOT_FOUND},
                          {(COORDINATOR,): WRITE, OTHERS: FORBIDDEN, (STRANGER,): NOT_FOUND})
LEAD_OR_COORDINATOR_POST = table(
    {SIGNED_IN: NOT_ALLOWED},
    {(COORDINATOR, LEAD): WRITE, NOT_LEADS: FORBIDDEN, (STRANGER,): NOT_FOUND})
# Progress: the lead officer, an active deputy for the action and coordinators record it.
RECORD_PROGRESS = table(
    {SIGNED_IN: NOT_ALLOWED},
    {(COORDINATOR, LEAD, DEPUTY): WRITE, NOT_LEADS: FORBIDDEN, (STRANGER,): NOT_FOUND})
# Closing, reopening, archiving, unarchiving: the page (200) or, when the action or challenge
# is not in a state for it (e.g. reopening an open action), a redirect with the reason.
COORDINATE_STATE = table({(COORDINATOR,): WRITE, OTHERS: FORBIDDEN, (STRANGER,): NOT_FOUND},
                         {(COORDINATOR,): WRITE, OTHERS: FORBIDDEN, (STRANGER,): NOT_FOUND})
# An action's deputies: its coordinators and its lead officer name and end them.
LEAD_OR_COORDINATOR = table(
    {(COORDINATOR, LEAD): OK, NOT_LEADS: FORBIDDEN, (STRANGER,): NOT_FOUND},
    {(COORDINATOR, LEAD): WRITE, NOT_LEADS: FORBIDDEN, (STRANGER,): NOT_FOUND})
# The council's deputies: its officers (for their own actions) and coordinators (for anyone's).
OFFICERS_AND_COORDINATORS = table(
    {(COORDINATOR, LEAD, OFFICER): OK, (SCRUTINY, ADMINISTRATOR, GUEST): FORBIDDEN, (STRANGER,): NOT_FOUND},
    {(COORDINATOR, LEAD, OFFICER): WRITE, (SCRUTINY, ADMINISTRATOR, GUEST): FORBIDDEN, (STRANGER,): NOT_FOUND})
# The coordinator's inbox names no council: whoever coordinates one may use it, nobody else.
INBOX = table({(COORDINATOR,): OK, (*OTHERS, STRANGER): FORBIDDEN}, {SIGNED_IN: NOT_ALLOWED})
# Signing off from the inbox: a redirect with what was done (or why not); the actions are in the form.
INBOX_POST = table({SIGNED_IN: NOT_ALLOWED}, {(COORDINATOR,): WRITE, (*OTHERS, STRANGER): FORBIDDEN})
SIGN_IN_PAGE = table({SIGNED_IN: REDIRECT}, {SIGNED_IN: REDIRECT}, anonymous=WRITE)
SIGNED_OUT = _outcome("signed out, sent to sign in", 302, may_write=True, redirect_to="/sign-in/")
SIGN_OUT = table({SIGNED_IN: NOT_ALLOWED}, {SIGNED_IN: SIGNED_OUT}, anonymous=NOT_ALLOWED,
                 anonymous_post=SIGNED_OUT)
PASSWORD_CHANGE = table({SIGNED_IN: OK}, {SIGNED_IN: WRITE})
PASSWORD_CHANGED = table({SIGNED_IN: OK}, {SIGNED_IN: NOT_ALLOWED})


def _guest_password(case: Case) -> Outcome:
    """The invitation link: anyone holding a good link is sent on to choose a password."""
    if case.kind == "valid link":
        return _outcome("redirect to choose a password", 302, may_write=True,
                        redirect_to="/guest/choose-password/")
    return _outcome("200 (the link is not valid)", 200)


# A council's people (recommendations/people/, ADR 0021): its administrators and coordinators.
MANAGE_PEOPLE = table(
    {(COORDINATOR, ADMINISTRATOR): OK, (LEAD, OFFICER, SCRUTINY, GUEST): FORBIDDEN, (STRANGER,): NOT_FOUND},
    {(COORDINATOR, ADMINISTRATOR): WRITE, (LEAD, OFFICER, SCRUTINY, GUEST): FORBIDDEN, (STRANGER,): NOT_FOUND})
MANAGE_PEOPLE_READ = table(
    {(COORDINATOR, ADMINISTRATOR): OK, (LEAD, OFFICER, SCRUTINY, GUEST): FORBIDDEN, (STRANGER,): NOT_FOUND},
    {SIGNED_IN: NOT_ALLOWED})
MANAGE_PEOPLE_POST = table(
    {SIGNED_IN: NOT_ALLOWED},
    {(COORDINATOR, ADMINISTRATOR): WRITE, (LEAD, OFFICER, SCRUTINY, GUEST): FORBIDDEN, (STRANGER,): NOT_FOUND})
# Single sign-on is off in the matrix (no provider configured): its views are not there.
SSO_OFF = table({SIGNED_IN: NOT_FOUND}, {SIGNED_IN: NOT_ALLOWED}, anonymous=NOT_FOUND, anonymous_post=NOT_ALLOWED)
# Asking for a password reset, and its "check your email" and "changed" pages: anyone.
PASSWORD_RESET = table({SIGNED_IN: OK}, {SIGNED_IN: WRITE}, anonymous=OK, anonymous_post=WRITE)


def _invitation_link(case: Case) -> Outcome:
    """An invitation's link: anyone holding a good one sees the page (and may accept: a form error
    without a password); a made-up one is a 404."""
    if case.kind == "valid invitation":
        return OK if case.method == "GET" else WRITE
    return NOT_FOUND


def _reset_link(case: Case) -> Outcome:
    """A password reset link: a good one is swapped for the session's copy (a redirect); a bad one
    shows the "not working" page."""
    if case.kind == "valid link":
        return _outcome("redirect to choose a password", 302, may_write=True, redirect_to="/account/password/reset/")
    return _outcome("200 (the link is not valid)", 200)


EXPECTED: dict[str, Policy] = {
    "healthz": PUBLIC_PAGE,
    "accessibility": PUBLIC_PAGE,
    "login": SIGN_IN_PAGE,
    "logout": SIGN_OUT,
    "password_change": PASSWORD_CHANGE,
    "password_change_done": PASSWORD_CHANGED,
    "home": SIGNED_IN_PAGE,
    # The council's coordinators and administrators read its failed background tasks.
    "failed_tasks": table({(COORDINATOR, ADMINISTRATOR): OK,
                           (LEAD, OFFICER, SCRUTINY, GUEST, STRANGER, MIXED): FORBIDDEN},
                          {SIGNED_IN: NOT_ALLOWED}),
    # Where signing in leads: a redirect for everyone signed in (the inbox, My actions or home).
    "landing": table({SIGNED_IN: _outcome("redirect (302) by role", 302)}, {SIGNED_IN: NOT_ALLOWED}),
    "my_actions": SIGNED_IN_PAGE,
    "portfolio": SIGNED_IN_PAGE,
    "search": SIGNED_IN_PAGE,
    "challenge": READ,
    "recommendation": READ,
    "action": READ,
    "dashboard": READ,
    "action_plan": READ,
    "action_plan_csv": READ,
    "action_plan_xlsx": READ,
    "pack_list": READ,
    "pack_download": READ,
    # An evidence file of one of the action's updates: everyone who may read the action.
    "evidence_download": READ,
    "review_index": READ,
    "review_detail": READ,
    "statement_pdf": READ,
    "action_progress": RECORD_PROGRESS,
    "action_sign_off": COORDINATE_POST,
    "action_return": COORDINATE_RETURN,
    "action_edit": COORDINATE,
    "action_add": COORDINATE,
    "challenge_create": COORDINATE,
    "recommendations_import": COORDINATE,
    "action_plan_import": COORDINATE,
    "action_plan_import_confirm": COORDINATE_POST,
    # Issue 17: the column mapping step (POST), the rows-to-fix download and the response table.
    "action_plan_import_mapping": COORDINATE_POST,
    "action_plan_import_problems": COORDINATE_UPLOAD_DOWNLOAD,
    "response_table_import": COORDINATE,
    "action_plan_template": COORDINATE_READ,
    "action_plan_export": COORDINATE_READ,
    "committee_report_new": COORDINATE,
    "committee_report": COORDINATE_READ,
    "committee_report_edit": COORDINATE,
    # The DRAFT preview: GET shows how it is getting on, POST asks the task queue for a new one.
    "committee_report_preview": COORDINATE,
    "committee_report_issue": COORDINATE,
    # The latest DRAFT preview PDF, for the report's coordinators; 404 until one has been made.
    "committee_report_preview_pdf": table(
        {(COORDINATOR,): _outcome("200, or 404 before any preview", 200, 404), OTHERS: FORBIDDEN,
         (STRANGER,): NOT_FOUND}, {SIGNED_IN: NOT_ALLOWED}),
    # An issued pack's Word version: everyone who may read the packs (ADR 0023).
    "pack_download_docx": READ,
    # Withdrawing a pack (kept and marked) and the council's logo, Word template and RAG wording.
    "pack_withdraw": COORDINATE,
    "council_look": COORDINATE,
    "review_schedule": COORDINATE,
    "review_edit": COORDINATE,
    "review_feedback": COORDINATE,
    "review_theme_add": COORDINATE,
    "review_theme": COORDINATE,
    "follow_up_action_add": COORDINATE,
    "statement_edit": COORDINATE,
    "statement_prefill": COORDINATE_POST,
    "statement_evidence_add": COORDINATE_POST,
    "statement_evidence_remove": COORDINATE_POST,
    "statement_approve": COORDINATE,
    "guest_list": COORDINATE,
    "guest_end": COORDINATE_POST,
    "guest_set_password": _guest_password,
    "action_close": COORDINATE_STATE,
    "action_reopen": COORDINATE_STATE,
    "challenge_archive": COORDINATE_STATE,
    "challenge_unarchive": COORDINATE_STATE,
    "action_deputies": LEAD_OR_COORDINATOR,
    # Ending a deputy early: a coordinator, or the lead officer the deputy covers.
    "action_deputy_end": LEAD_OR_COORDINATOR_POST,
    "deputies": OFFICERS_AND_COORDINATORS,
    "deputy_end": LEAD_OR_COORDINATOR_POST,
    "inbox": INBOX,
    "inbox_sign_off": INBOX_POST,
    "inbox_return": COORDINATE_POST,
    # Notifications: everyone signed in has their own list and settings. Marking read names the
    # notification in the form; someone else's (or none) is answered with a redirect and a message.
    "notifications": SIGNED_IN_PAGE,
    "notification_read": table({SIGNED_IN: NOT_ALLOWED}, {SIGNED_IN: REDIRECT}),
    "notifications_read_all": table({SIGNED_IN: NOT_ALLOWED}, {SIGNED_IN: REDIRECT}),
    "notification_settings": table({SIGNED_IN: OK}, {SIGNED_IN: WRITE}),
    # A council's notification settings: its coordinators and administrators.
    "council_notification_settings": table(
        {(COORDINATOR, ADMINISTRATOR): OK, (LEAD, OFFICER, SCRUTINY, GUEST): FORBIDDEN, (STRANGER,): NOT_FOUND},
        {(COORDINATOR, ADMINISTRATOR): WRITE, (LEAD, OFFICER, SCRUTINY, GUEST): FORBIDDEN, (STRANGER,): NOT_FOUND}),
    # People (ADR 0021). Only an administrator changes how the council signs in.
    "people": MANAGE_PEOPLE_READ,
    "person_invite": MANAGE_PEOPLE,
    "people_import": MANAGE_PEOPLE,
    "people_import_confirm": MANAGE_PEOPLE_POST,
    "council_sso": table({SIGNED_IN: NOT_ALLOWED},
                         {(ADMINISTRATOR,): WRITE, (COORDINATOR, LEAD, OFFICER, SCRUTINY, GUEST): FORBIDDEN,
                          (STRANGER,): NOT_FOUND}),
    "invitation_resend": MANAGE_PEOPLE_POST,
    "invitation_revoke": MANAGE_PEOPLE_POST,
    "person": MANAGE_PEOPLE,
    "person_deactivate": MANAGE_PEOPLE,
    "person_reassign": MANAGE_PEOPLE,
    "invitation_accept": _invitation_link,
    "sso_start": SSO_OFF,
    "sso_callback": SSO_OFF,
    "password_reset": PASSWORD_RESET,
    "password_reset_done": PUBLIC_PAGE,
    "password_reset_confirm": _reset_link,
    "password_reset_complete": PUBLIC_PAGE,
    # Setting up a challenge (recommendations/setup/, reviews/meetings/; ADR 0020): its coordinators.
    "challenge_setup": COORDINATE_READ,
    "setup_details": COORDINATE_READ,
    "setup_details_visit": COORDINATE,
    "setup_details_figures": COORDINATE,
    "setup_details_report": COORDINATE,
    "setup_details_publication": COORDINATE,
    "setup_themes": COORDINATE,
    "setup_theme": COORDINATE,
    "setup_theme_move": COORDINATE_POST,
    "setup_theme_assign": COORDINATE_POST,
    "setup_responses": COORDINATE_READ,
    "setup_response": COORDINATE_READ,
    "setup_response_edit": COORDINATE,
    "setup_recommendation_text": COORDINATE,
    "setup_peer_team": COORDINATE,
    "setup_peer": COORDINATE,
    "setup_peers_returned": COORDINATE_POST,
    "committee_meetings": COORDINATE,
    "committee_meeting": COORDINATE,
    "committee_meeting_remove": COORDINATE,
}


# --- the admin ------------------------------------------------------------------------

@dataclass(frozen=True)
class AdminModel:
    """A model registered in the admin.

    `scope`: "challenge" (its rows belong to one challenge), "council" (to a council) or
    "none" (not council data: the council's staff get no permission on it).
    `refuses`: what its ModelAdmin refuses whatever the permissions ("add", "change", "delete").
    `history_form`: simple-history's history form and revert view is registered.
    """

    scope: str
    refuses: frozenset[str] = frozenset()
    history_form: bool = True


def _refuses(*what: str) -> frozenset[str]:
    return frozenset(what)


ADMIN_MODELS: dict[str, AdminModel] = {
    "recommendations.council": AdminModel("council"),
    "recommendations.membership": AdminModel("council"),
    "recommendations.peerchallenge": AdminModel("challenge"),
    "recommendations.peerteammember": AdminModel("challenge"),
    "recommendations.theme": AdminModel("challenge"),
    "recommendations.recommendation": AdminModel("challenge"),
    "recommendations.action": AdminModel("challenge"),
    "recommendations.progressupdate": AdminModel("challenge", _refuses("add", "change", "delete")),
    "recommendations.guestaccess": AdminModel("challenge", _refuses("add")),
    "reviews.committeemeeting": AdminModel("challenge"),
    "reviews.progressreview": AdminModel("challenge"),
    "reviews.reviewtheme": AdminModel("challenge"),
    "reviews.positionstatement": AdminModel("challenge"),
    "reviews.statementevidence": AdminModel("challenge"),
    "reviews.returningpeer": AdminModel("challenge"),
    # The report has an issued pack, which makes it part of the pack's record.
    "reviews.committeereport": AdminModel("challenge", _refuses("delete")),
    "reviews.issuedpack": AdminModel("challenge", _refuses("add", "change", "delete")),
    "auth.user": AdminModel("council", history_form=False),
    "auth.group": AdminModel("none", history_form=False),
    "axes.accessattempt": AdminModel("none", history_form=False),
    "axes.accesslog": AdminModel("none", history_form=False),
    "axes.accessfailurelog": AdminModel("none", history_form=False),
    "django_tasks_database.dbtaskresult": AdminModel("none", history_form=False),
}

# The model permissions the matrix gives the council's staff, as the demo gives them
# (recommendations/demo.py): a coordinator fixes the plan's data, an administrator looks
# after the council's people. The admin must keep both inside their council.
COORDINATOR_PERMISSIONS: dict[str, str] = {
    "recommendations.peerchallenge": "view add change",
    "recommendations.peerteammember": "view add change delete",
    "recommendations.theme": "view add change delete",
    "recommendations.recommendation": "view add change",
    "recommendations.action": "view add change",
    "recommendations.progressupdate": "view",
    "recommendations.membership": "view",
    "recommendations.guestaccess": "view change delete",
    "reviews.committeemeeting": "view add change delete",
    "reviews.progressreview": "view add change",
    "reviews.reviewtheme": "view add change delete",
    "reviews.returningpeer": "view add change delete",
    "reviews.positionstatement": "view add change",
    "reviews.committeereport": "view add change",
    "reviews.issuedpack": "view",
    "reviews.statementevidence": "view add change delete",
    "auth.user": "view",
}
ADMINISTRATOR_PERMISSIONS: dict[str, str] = {
    "auth.user": "view add change",
    "recommendations.membership": "view add change delete",
}


def _may(case: Case, model: str, what: str) -> bool:
    """True when the staff user holds the permission and the model's admin does not refuse it."""
    if what in ADMIN_MODELS[model].refuses:
        return False
    if what == "view":
        return f"{model}.view" in case.staff_permissions or f"{model}.change" in case.staff_permissions
    return f"{model}.{what}" in case.staff_permissions


STAFF = "staff"  # a staff user of the object's council (the test passes it as the standing)
STAFF_OTHER_COUNCIL = "staff of another council"


def _staff_only(policy: Policy) -> Policy:
    """Wraps an admin page's policy: whoever may not use the admin at all gets the admin's sign-in."""

    @functools.wraps(policy)
    def gated(case: Case) -> Outcome:
        if case.standing not in (STAFF, STAFF_OTHER_COUNCIL):
            return ADMIN_LOGIN
        return policy(case)

    return gated


# The admin's pages that show a form and write when it is sent, and the permission each needs.
FORM_PAGE_PERMISSION = {"add": "add", "delete": "delete", "password": "change"}


def admin_model_view(model: str, view: str) -> Policy:
    """Returns the policy of one of a ModelAdmin's views for `model` ("app.model")."""

    @_staff_only
    def policy(case: Case) -> Outcome:
        if view == "redirect":  # <object_id>/ redirects to <object_id>/change/ without a lookup
            return REDIRECT
        if view == "add" and case.standing == STAFF_OTHER_COUNCIL:
            # A form naming another council's objects: shown again with errors, nothing saved.
            return SHOWN if _may(case, model, "add") else FORBIDDEN
        if case.standing == STAFF_OTHER_COUNCIL or case.kind.startswith("mixed"):
            return HIDDEN
        if ADMIN_MODELS[model].scope == "none" and view not in ("changelist", "add"):
            # No permission on the model: refused, or "does not exist" for a missing row.
            return HIDDEN
        if view in ("changelist", "history"):
            if not _may(case, model, "view"):
                return FORBIDDEN
            # A changelist saves nothing without list_editable; a history list never saves.
            return SHOWN if case.method == "POST" else OK
        if view in FORM_PAGE_PERMISSION:
            if not _may(case, model, FORM_PAGE_PERMISSION[view]):
                return FORBIDDEN
            return OK if case.method == "GET" else WRITE
        if view in ("change", "history_form"):
            if case.method == "GET":
                return OK if _may(case, model, "view") else FORBIDDEN
            if not _may(case, model, "change"):
                return FORBIDDEN
            return WRITE if view == "change" else REVERT
        raise AssertionError(f"No rule for the admin's {view} view.")

    return policy


def _admin_site_page(get: Outcome, post: Outcome) -> Policy:
    return _staff_only(lambda case: get if case.method == "GET" else post)


@_staff_only
def _admin_app_index(case: Case) -> Outcome:
    """An app's index lists the models the user may see; an app with none is a 404."""
    app = case.kind.removeprefix("app ")
    if any(permission.startswith(f"{app}.") for permission in case.staff_permissions):
        return OK
    return NOT_FOUND


@_staff_only
def _admin_view_on_site(case: Case) -> Outcome:
    """The admin's "view on site" link: a redirect to the object's own page, inside the council only."""
    # The matrix links to a challenge; only someone who may open challenges in the admin follows it.
    if case.standing == STAFF_OTHER_COUNCIL or not _may(case, "recommendations.peerchallenge", "view"):
        return HIDDEN
    return REDIRECT


def _admin_sign_in(case: Case) -> Outcome:
    """Shown to anyone (a signed-in user without access is told so); staff are sent on to the index."""
    if case.method == "POST":
        return WRITE
    return REDIRECT if case.standing in (STAFF, STAFF_OTHER_COUNCIL) else OK


ADMIN_INDEX = _outcome("redirect to the admin index", 302, redirect_to="/admin/", redirect_exact=True)


def _admin_sign_out(case: Case) -> Outcome:
    """Staff sign out with a POST; anyone else is sent to the admin index (and on to its sign-in)."""
    if case.standing not in (STAFF, STAFF_OTHER_COUNCIL):
        return ADMIN_INDEX
    return NOT_ALLOWED if case.method == "GET" else SIGNED_OUT


EXPECTED.update({
    "admin:index": _admin_site_page(OK, OK),
    "admin:login": _admin_sign_in,
    "admin:logout": _admin_sign_out,
    "admin:password_change": _admin_site_page(OK, WRITE),
    "admin:password_change_done": _admin_site_page(OK, NOT_ALLOWED),
    "admin:autocomplete": _admin_site_page(OK, NOT_ALLOWED),
    "admin:jsi18n": _admin_site_page(OK, NOT_ALLOWED),
    "admin:view_on_site": _admin_view_on_site,
    "admin:app_list": _admin_app_index,
    # Any other path under /admin/: staff get a 404, everyone else the admin's sign-in.
    "admin:(catch-all)": _admin_site_page(NOT_FOUND, NOT_FOUND),
})

ADMIN_VIEWS = {
    "changelist": "changelist", "add": "add", "change": "change", "delete": "delete",
    "history": "history", "simple_history": "history_form", "(redirect)": "redirect",
}

for _model, _admin in ADMIN_MODELS.items():
    _app, _name = _model.split(".")
    for _suffix, _view in ADMIN_VIEWS.items():
        if _suffix == "simple_history" and not _admin.history_form:
            continue
        EXPECTED[f"admin:{_app}_{_name}_{_suffix}"] = admin_model_view(_model, _view)
EXPECTED["admin:auth_user_password_change"] = admin_model_view("auth.user", "password")
