"""The permission matrix: every URL, for every persona, on GET and POST, with objects of every kind.

The URLs come from walking the resolver (the admin's included), so a new URL is
tested by itself and fails until tests/permission_matrix.py says who may use it.
Each URL is filled with objects of the user's own challenge, of the council's
other challenge, of another council, and (where a URL names two objects) with an
ID of another challenge or council swapped into a good URL. Each request must:

- get the answer the table expects (status, and where a redirect goes);
- show no text of a challenge or council the persona may not read (every object
  of each challenge carries its own marker word);
- when it is refused, leave the database as it was (row counts and highest
  primary key of every table, history tables included, and the values of the
  tables that hold roles, access and state).

The data is built once for the module inside a transaction rolled back at the end,
and each request runs in a savepoint rolled back after it, so every request sees
the same data whatever the ones before it did.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from recommendations.models import (
    Action,
    Council,
    Deputy,
    GuestAccess,
    Invitation,
    Membership,
    PeerChallenge,
    Recommendation,
)
from recommendations.periods import ReportingPeriod
from reviews.models import (
    CommitteeMeeting,
    PositionStatement,
    ProgressReview,
    ReturningPeer,
    ReviewTheme,
    StatementEvidence,
)
from tests import factories
from tests import permission_matrix as matrix
from tests.factories import make_pack, make_peer, make_report, make_review
from tests.recommendations.evidence_helpers import make_evidence_file
from tests.summary import MATRIX_TALLY, report_tally

# The mark makes pytest-django create the test database; the data itself is built once
# for the module by the `world` fixture, so every case runs on one pytest-xdist worker
# (`--dist loadgroup` in the Makefile), which also lets the module check the total count.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("permission-matrix")]

# --- the URLs -------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One URL pattern: its table name, its full route text, and how to build it."""

    name: str
    route: str
    reversible: bool  # named: reverse() builds it; unnamed: the route text is filled in
    arg_names: tuple[str, ...]
    positional: int
    callback: Any

    @property
    def is_admin(self) -> bool:
        return self.name.startswith("admin:")


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "",
          outer: tuple[str, ...] = ()) -> Iterator[Route]:
    """`outer`: the names an include()'s prefix captures ("challenges/<slug:slug>/"), before the pattern's own."""
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}".strip(":") if entry.namespace else namespace
            captured = outer + tuple(getattr(entry.pattern, "converters", None) or ())
            yield from _walk(entry, prefix + str(entry.pattern), inner, captured)
            continue
        assert isinstance(entry, URLPattern)
        route = prefix + str(entry.pattern)
        pattern = entry.pattern
        regex = getattr(pattern, "regex", None)
        converters = getattr(pattern, "converters", None)
        if converters or outer:
            arg_names, positional = outer + tuple(converters or ()), 0
        elif regex is not None and regex.groupindex:
            arg_names, positional = tuple(regex.groupindex), 0
        else:
            arg_names, positional = (), regex.groups if regex is not None else 0
        if entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
        else:
            name = _unnamed(namespace, route)
        yield Route(name, route, bool(entry.name), arg_names, positional, entry.callback)


def _unnamed(namespace: str, route: str) -> str:
    """Names an unnamed pattern for the table: the admin's redirects and catch-all, or its route."""
    model_redirect = re.fullmatch(r"admin/(\w+)/(\w+)/<path:object_id>/", route)
    if namespace == "admin" and model_redirect:
        return f"admin:{model_redirect[1]}_{model_redirect[2]}_(redirect)"
    if namespace == "admin" and route.endswith("(?P<url>.*)$"):
        return "admin:(catch-all)"
    if re.fullmatch(r"admin/r/<(\w+:)?content_type_id>/<path:object_id>/", route):
        return "admin:view_on_site"  # a project's own "View on site" put in front of the admin's
    return f"(unnamed) {route}"


ROUTES: list[Route] = list(_walk(get_resolver()))
ROUTES_BY_NAME: dict[str, list[Route]] = {}
for _route in ROUTES:
    ROUTES_BY_NAME.setdefault(_route.name, []).append(_route)

# --- the people -----------------------------------------------------------------------

MARKERS = {"nt24": "Qxnorthtown24", "nt18": "Qxnorthtown18", "sp": "Qxsouthport",
           "nt people": "Qxntpeople", "sp people": "Qxsppeople"}


@dataclass(frozen=True)
class Persona:
    name: str
    username: str | None = None
    council: str | None = None  # "northtown" or "southport"
    role: str | None = None  # a standing from tests/permission_matrix.py
    guest_of: str | None = None  # the challenge key an unexpired guest may read
    staff: str | None = None  # "coordinator" or "administrator": the admin permissions held
    sees: tuple[str, ...] = ()  # the marker keys whose text the persona may read

    @property
    def staff_permissions(self) -> frozenset[str]:
        granted = {"coordinator": matrix.COORDINATOR_PERMISSIONS,
                   "administrator": matrix.ADMINISTRATOR_PERMISSIONS}.get(self.staff or "", {})
        return frozenset(f"{model}.{what}" for model, whats in granted.items() for what in whats.split())


NORTHTOWN_SEES = ("nt24", "nt18", "nt people")
PERSONAS = [
    Persona("anonymous"),
    Persona("officer (lead)", "bob", "northtown", matrix.LEAD, sees=NORTHTOWN_SEES),
    Persona("second officer", "olive", "northtown", matrix.OFFICER, sees=NORTHTOWN_SEES),
    # An officer named as active deputy for the own challenge's action (ended on the second's).
    Persona("deputy", "dina", "northtown", matrix.DEPUTY, sees=NORTHTOWN_SEES),
    Persona("coordinator", "alice", "northtown", matrix.COORDINATOR, staff="coordinator",
            sees=NORTHTOWN_SEES),
    Persona("scrutiny", "carol", "northtown", matrix.SCRUTINY, sees=NORTHTOWN_SEES),
    Persona("administrator", "dave", "northtown", matrix.ADMINISTRATOR, staff="administrator",
            sees=NORTHTOWN_SEES),
    Persona("active guest", "gina", guest_of="nt24", sees=("nt24", "nt people")),
    Persona("expired guest", "ed"),
    Persona("other council's officer", "mallory", "southport", matrix.LEAD, sees=("sp", "sp people")),
    Persona("other council's coordinator", "sally", "southport", matrix.COORDINATOR, staff="coordinator",
            sees=("sp", "sp people")),
]

# --- the data -------------------------------------------------------------------------


@dataclass
class Bundle:
    """One challenge with one of everything, each object's text carrying the challenge's marker."""

    challenge: PeerChallenge
    objects: dict[str, models.Model] = field(default_factory=dict)  # "app.model" -> object

    def __getitem__(self, model: str) -> Any:
        return self.objects[model]


@dataclass
class World:
    bundles: dict[str, Bundle]  # "nt24", "nt18", "sp"
    users: dict[str, Any]
    group: Group
    # One client for everyone (its middleware loads once); each persona's session cookie.
    client: Client
    cookies: dict[str, SimpleCookie]


KIND_BUNDLE = {"own": "nt24", "second": "nt18", "foreign": "sp"}
INVITATION_TOKEN = "matrix-invitation-northtown"
KIND_COUNCIL = {"own": "northtown", "second": "northtown", "foreign": "southport",
                "mixed council": "northtown", "mixed challenge": "northtown",
                "foreign body": "southport"}
# A URL naming a challenge and other objects is also tried with the objects of another
# council or challenge under the user's own challenge's slug.
MIXED_KINDS = {"mixed council": "sp", "mixed challenge": "nt18"}

STAFF_PERMISSIONS = {"coordinator": matrix.COORDINATOR_PERMISSIONS,
                     "administrator": matrix.ADMINISTRATOR_PERMISSIONS}


def _user(username: str, council: Council | None, role: str | None, last_name: str, *,
          staff: str | None = None) -> Any:
    user = factories.make_user(username=username, council=council, role=role or Membership.Role.OFFICER,
                               first_name=username.capitalize(), last_name=last_name,
                               email=f"{username}@example.invalid", is_staff=staff is not None)
    if staff:
        user.user_permissions.set([
            Permission.objects.get(content_type__app_label=model.split(".")[0],
                                   codename=f"{what}_{model.split('.')[1]}")
            for model, whats in STAFF_PERMISSIONS[staff].items() for what in whats.split()
        ])
    return user


def _bundle(*, council: Council, key: str, year: int, lead: Any, coordinator: Any) -> Bundle:
    marker = MARKERS[key]
    challenge = factories.make_challenge(
        council=council, slug=f"{council.slug}-{year}", title=f"Corporate Peer Challenge {year} {marker}",
        onsite_start=dt.date(year, 1, 15), onsite_end=dt.date(year, 1, 18), figures_note=marker)
    theme = factories.make_theme(challenge=challenge, name=f"Governance {marker}")
    peers = [make_peer(challenge=challenge, name=f"Pat Leader {marker}", role="Leader", position=1),
             make_peer(challenge=challenge, name=f"Sam Manager {marker}", position=2)]
    recommendation = factories.make_recommendation(
        challenge=challenge, number=1, title=f"City centre masterplan {marker}", theme=theme,
        text=f"Agree a masterplan {marker}.", response_narrative=f"Accepted {marker}.")
    action = factories.make_action(recommendation=recommendation, lead_officer=lead,
                                   description=f"Draft the masterplan {marker}",
                                   due_date=dt.date(year, 9, 30), start_date=dt.date(year, 2, 1))
    update = factories.make_update(action=action, author=lead, narrative=f"Consultation held {marker}",
                                   created_at=timezone.make_aware(dt.datetime(year, 6, 3, 10)))
    evidence_file = make_evidence_file(update=update, name=f"Consultation notes {marker}.csv",
                                       content=f"Ward,Said\nFoleshill,{marker}\n".encode())
    # Reported complete, so sign-off and return have something to act on.
    action.record_progress(rag="blue", period=ReportingPeriod.for_date(dt.date(year, 8, 1)),
                           narrative=f"Masterplan adopted {marker}", by=lead)
    meeting = CommitteeMeeting.objects.create(challenge=challenge, committee=f"Scrutiny {marker}",
                                              meeting_date=dt.date(year, 10, 2), item=marker)
    report = make_report(challenge=challenge, by=coordinator, subject=f"Progress report {marker}",
                         purpose=f"Progress {marker}.")
    pack = make_pack(report=report, content=f"%PDF-1.7 pack {marker}".encode(),
                     snapshot={"recommendations": [], "note": marker}, docx_content=f"PK word {marker}".encode())
    review = make_review(challenge=challenge, review_date=dt.date(year, 11, 18), peers=peers,
                         overall_feedback=f"Real progress {marker}")
    review_theme = ReviewTheme.objects.create(review=review, name=f"Working together {marker}", position=1,
                                              feedback=f"The peers saw progress {marker}.")
    review_theme.recommendations.set([recommendation])
    statement = PositionStatement.objects.create(review=review, recommendation=recommendation,
                                                 text=f"The masterplan is drafted {marker}.")
    evidence = StatementEvidence.objects.create(review=review, recommendation=recommendation,
                                                title=f"Masterplan draft {marker}",
                                                url="https://example.org/masterplan", added_by=coordinator)
    returning = ReturningPeer.objects.get(review=review, member=peers[0])
    membership = Membership.objects.get(user=lead, council=council)
    return Bundle(challenge, {
        "recommendations.council": council, "recommendations.membership": membership, "auth.user": lead,
        "recommendations.peerchallenge": challenge, "recommendations.peerteammember": peers[0],
        "recommendations.theme": theme, "recommendations.recommendation": recommendation,
        "recommendations.action": action, "recommendations.progressupdate": update,
        "recommendations.evidencefile": evidence_file,
        "reviews.committeemeeting": meeting, "reviews.progressreview": review,
        "reviews.reviewtheme": review_theme, "reviews.positionstatement": statement,
        "reviews.statementevidence": evidence, "reviews.returningpeer": returning,
        "reviews.committeereport": report, "reviews.issuedpack": pack,
    })


def _guest(username: str, bundle: Bundle, last_name: str, *, expires_on: dt.date) -> GuestAccess:
    user = factories.make_user(username=username, first_name=username.capitalize(), last_name=last_name,
                               email=f"{username}@example.invalid")
    return GuestAccess.objects.create(user=user, challenge=bundle.challenge,
                                      peer=bundle["recommendations.peerteammember"], expires_on=expires_on)


def build_world() -> World:
    northtown = factories.make_council(name="Northtown Council", slug="northtown")
    southport = factories.make_council(name=f"Southport Council {MARKERS['sp']}", slug="southport")
    role = Membership.Role
    nt, sp = MARKERS["nt people"], MARKERS["sp people"]
    users = {
        "alice": _user("alice", northtown, role.COORDINATOR, f"Coordinator {nt}", staff="coordinator"),
        "bob": _user("bob", northtown, role.OFFICER, f"Lead {nt}"),
        "olive": _user("olive", northtown, role.OFFICER, f"Other {nt}"),
        "dina": _user("dina", northtown, role.OFFICER, f"Deputy {nt}"),
        "carol": _user("carol", northtown, role.SCRUTINY, f"Councillor {nt}"),
        "dave": _user("dave", northtown, role.ADMINISTRATOR, f"Admin {nt}", staff="administrator"),
        "mallory": _user("mallory", southport, role.OFFICER, f"Elsewhere {sp}"),
        "sally": _user("sally", southport, role.COORDINATOR, f"Southcoord {sp}", staff="coordinator"),
    }
    bundles = {
        "nt24": _bundle(council=northtown, key="nt24", year=2024, lead=users["bob"], coordinator=users["alice"]),
        "nt18": _bundle(council=northtown, key="nt18", year=2018, lead=users["bob"], coordinator=users["alice"]),
        "sp": _bundle(council=southport, key="sp", year=2024, lead=users["mallory"], coordinator=users["sally"]),
    }
    today = timezone.localdate()
    accesses = {
        "nt24": _guest("gina", bundles["nt24"], "Peer", expires_on=today + dt.timedelta(days=7)),
        "nt18": _guest("hal", bundles["nt18"], f"Guest {MARKERS['nt18']}", expires_on=today + dt.timedelta(days=7)),
        "sp": _guest("sid", bundles["sp"], f"Guest {sp}", expires_on=today + dt.timedelta(days=7)),
    }
    _guest("ed", bundles["nt24"], "Expired", expires_on=today - dt.timedelta(days=1))
    for key, access in accesses.items():
        bundles[key].objects["recommendations.guestaccess"] = access
    # An open invitation per council (the People pages); Northtown's link carries INVITATION_TOKEN.
    for keys, council, token, inviter in [(("nt24", "nt18"), northtown, INVITATION_TOKEN, users["alice"]),
                                          (("sp",), southport, "matrix-invitation-southport", users["sally"])]:
        invitation = Invitation.objects.create(
            council=council, email=f"invitee@{council.slug}.example.invalid", first_name="Ivy",
            role=Membership.Role.OFFICER, token_hash=Invitation.hash_token(token), invited_by=inviter,
            expires_at=timezone.now() + dt.timedelta(days=7))
        for key in keys:
            bundles[key].objects["recommendations.invitation"] = invitation
    deputies = {  # (deputy, named by, ends on): active on the own challenge's action, ended on the second's
        "nt24": (users["dina"], users["alice"], today + dt.timedelta(days=30)),
        "nt18": (users["dina"], users["alice"], today - dt.timedelta(days=1)),
        "sp": (users["sally"], users["sally"], today + dt.timedelta(days=30)),
    }
    for key, (deputy, named_by, ends_on) in deputies.items():
        bundles[key].objects["recommendations.deputy"] = Deputy.objects.create(
            council=bundles[key].challenge.council, deputy=deputy, action=bundles[key]["recommendations.action"],
            ends_on=ends_on, named_by=named_by)
    User = get_user_model()
    users.update({name: User.objects.get(username=name) for name in ("gina", "ed")})
    group = Group.objects.create(name="Planners")
    client = Client()
    cookies: dict[str, SimpleCookie] = {}
    for persona in PERSONAS:
        client.cookies = SimpleCookie()
        if persona.username:
            client.force_login(users[persona.username])
        cookies[persona.name] = client.cookies
    return World(bundles, users, group, client, cookies)


# --- filling a URL --------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    kind: str
    url: str
    body: dict[str, Any]


def _admin_parts(route: Route) -> tuple[str, str] | None:
    """Returns ("app.model", view suffix) for a ModelAdmin URL, else None."""
    for model in matrix.ADMIN_MODELS:
        app, name = model.split(".")
        prefix = f"admin:{app}_{name}_"
        if route.name.startswith(prefix):
            return model, route.name.removeprefix(prefix)
    return None


def _kinds(route: Route, world: World) -> list[str]:
    if route.name == "admin:app_list":
        return [f"app {label}" for label in sorted({m.split(".")[0] for m in matrix.ADMIN_MODELS})]
    if route.name == "admin:autocomplete":
        return ["autocomplete lead officer", "autocomplete membership user"]
    if route.name == "admin:view_on_site":
        return ["own", "second", "foreign"]
    parts = _admin_parts(route)
    if parts is not None:
        model, view = parts
        scope = matrix.ADMIN_MODELS[model].scope
        if view == "changelist" or scope == "none":
            return ["none"]
        if view == "add":
            return ["none", "foreign body"]
        kinds = ["own", "second", "foreign"] if scope == "challenge" else ["own", "foreign"]
        return [*kinds, "mixed council"] if view == "simple_history" else kinds
    names = set(route.arg_names)
    if "slug" in names:
        return ["own", "second", "foreign", *(MIXED_KINDS if names - {"slug"} else [])]
    if "council_slug" in names:
        return ["own", "foreign", *(["mixed council"] if names - {"council_slug"} else [])]
    if "uidb64" in names:
        return ["valid link", "invalid link"]
    if names == {"token"}:
        return ["valid invitation", "invalid invitation"]
    if names or route.positional:
        if route.name == "admin:(catch-all)":
            return ["none"]
        raise AssertionError(f"The permission matrix cannot fill {route.route} ({route.name}): "
                             "teach _kinds and _product_kwargs in tests/test_permission_matrix.py.")
    return ["none"]


# A URL argument that is always the primary key of one model's object, and that model.
PK_ARGUMENTS = {
    "theme_pk": "reviews.reviewtheme",
    "access_pk": "recommendations.guestaccess",
    "evidence_pk": "reviews.statementevidence",
    "deputy_pk": "recommendations.deputy",
    "file_pk": "recommendations.evidencefile",
    "membership_pk": "recommendations.membership",
    "invitation_pk": "recommendations.invitation",
    "theme_id": "recommendations.theme",
    "peer_id": "recommendations.peerteammember",
    "meeting_id": "reviews.committeemeeting",
}


def _product_kwargs(route: Route, kind: str, world: World) -> dict[str, Any]:
    if kind in ("valid invitation", "invalid invitation"):
        return {"token": INVITATION_TOKEN if kind == "valid invitation" else "x" * 43}
    if kind in ("valid link", "invalid link"):
        gina = world.users["gina"]
        token = default_token_generator.make_token(gina) if kind == "valid link" else "bad-token"
        return {"uidb64": urlsafe_base64_encode(force_bytes(gina.pk)), "token": token}
    if kind in MIXED_KINDS:
        slug_bundle, object_bundle = world.bundles["nt24"], world.bundles[MIXED_KINDS[kind]]
    else:
        slug_bundle = object_bundle = world.bundles[KIND_BUNDLE[kind]]
    values: dict[str, Any] = {}
    for name in route.arg_names:
        if name == "slug":
            values[name] = slug_bundle.challenge.slug
        elif name == "council_slug":
            values[name] = slug_bundle.challenge.council.slug
        elif name == "number":
            values[name] = object_bundle["recommendations.recommendation"].number + (
                0 if object_bundle is slug_bundle else 100)  # another challenge's number is a missing one
        elif name == "pk":
            values[name] = object_bundle[_pk_model(route)].pk
        elif name == "sequence":
            values[name] = object_bundle["reviews.issuedpack"].sequence + (0 if object_bundle is slug_bundle else 100)
        elif name in PK_ARGUMENTS:
            values[name] = object_bundle[PK_ARGUMENTS[name]].pk
        else:
            raise AssertionError(f"The permission matrix cannot fill <{name}> in {route.route}: "
                                 "teach _product_kwargs in tests/test_permission_matrix.py.")
    return values


def _pk_model(route: Route) -> str:
    for fragment, model in [("actions/<", "recommendations.action"),
                            ("reports/<", "reviews.committeereport"),
                            ("progress-review/<", "reviews.progressreview")]:
        if re.search(re.escape(fragment) + r"(\w+:)?pk>", route.route):
            return model
    raise AssertionError(f"The permission matrix does not know what <pk> is in {route.route}.")


def _form_data(instance: models.Model) -> dict[str, Any]:
    """Returns the admin form's POST data that would save `instance` as it stands (a minimal valid body)."""
    data: dict[str, Any] = {}
    opts = instance._meta
    for model_field in [*opts.concrete_fields, *opts.many_to_many]:
        if not model_field.editable or model_field.primary_key or isinstance(model_field, models.FileField):
            continue
        value = model_field.value_from_object(instance)
        name = model_field.name
        if model_field.many_to_many:
            data[name] = [related.pk for related in value]
        elif value is None:
            data[name] = ""
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, dt.datetime):
            local = timezone.localtime(value)
            data[name] = local.strftime("%Y-%m-%d %H:%M:%S")
            data[f"{name}_0"], data[f"{name}_1"] = local.strftime("%Y-%m-%d"), local.strftime("%H:%M:%S")
        elif isinstance(value, dt.date):
            data[name] = value.isoformat()
        elif isinstance(value, (dict, list)):
            data[name] = json.dumps(value)
        else:
            data[name] = str(value)
    if isinstance(instance, Action):
        data.update(loaded_version=instance.version, loaded_status=instance.status)
    return data


def _admin_object(world: World, model: str, kind: str) -> Any:
    if matrix.ADMIN_MODELS[model].scope == "none":
        return world.group if model == "auth.group" else None
    return world.bundles[KIND_BUNDLE[kind]][model]


def _requests(route: Route, world: World) -> list[Request]:
    """Returns the URL and POST body for each kind of object the route can be filled with."""
    requests = []
    for kind in _kinds(route, world):
        body: dict[str, Any] = {}
        query = ""
        parts = _admin_parts(route)
        if parts is not None:
            model, view = parts
            obj = None if kind in ("none", "foreign body") else _admin_object(
                world, model, "own" if kind == "mixed council" else kind)
            object_id = str(obj.pk) if obj is not None else "1"
            if kind == "none" and model == "auth.group":
                object_id = str(world.group.pk)
            args: list[Any] = []
            if view == "simple_history":
                assert obj is not None
                owner: Any = world.bundles["sp"][model] if kind == "mixed council" else obj
                # On a history manager "pk" is the version's own key; the object's is its attname.
                versions = type(owner).history.filter(**{owner._meta.pk.attname: owner.pk})
                history_id = versions.latest("history_id").history_id
                args = [object_id, history_id]
                body = _form_data(obj)
            elif view not in ("changelist", "add"):
                args = [object_id]
            if view == "change":
                body = _form_data(obj) if obj is not None else {}
            elif view == "delete":
                body = {"post": "yes"}
            elif view == "add" and kind == "foreign body":
                body = _form_data(world.bundles["sp"][model])
            url = _build(route, args=args)
        elif route.name == "admin:app_list":
            url = reverse(route.name, kwargs={"app_label": kind.removeprefix("app ")})
        elif route.name == "admin:view_on_site":
            challenge = world.bundles[KIND_BUNDLE[kind]].challenge
            url = reverse(route.name, args=[ContentType.objects.get_for_model(PeerChallenge).pk, challenge.pk])
        elif route.name == "admin:autocomplete":
            url = reverse(route.name)
            query = ("?app_label=recommendations&model_name=action&field_name=lead_officer&term="
                     if kind == "autocomplete lead officer" else
                     "?app_label=recommendations&model_name=membership&field_name=user&term=")
        elif route.name == "admin:(catch-all)":
            url = "/admin/no-such-page/"
        else:
            kwargs = {} if kind == "none" else _product_kwargs(route, kind, world)
            url = reverse(route.name, kwargs=kwargs)
        if not route.reversible and route.name != "admin:(catch-all)":
            # reverse() cannot go wrong; a route filled in by hand is checked to reach its view.
            match = resolve(url)
            assert match.func == route.callback, (
                f"The matrix built {url} for {route.name} but it resolves to {match.view_name or match.func}.")
        requests.append(Request(kind, url + query, body))
    return requests


def _build(route: Route, *, args: list[Any]) -> str:
    if route.reversible:
        return reverse(route.name, args=args)
    return "/" + re.sub(r"<(?:\w+:)?\w+>", lambda _: str(args.pop(0)), route.route)


# --- standing -------------------------------------------------------------------------


def _kind_council(route: Route, kind: str) -> str | None:
    if kind == "mixed council" and route.is_admin:
        return "northtown"
    return KIND_COUNCIL.get(kind)


def standing(persona: Persona, route: Route, kind: str) -> str:
    """Returns who `persona` is towards the object the URL names (see tests/permission_matrix.py)."""
    if persona.username is None:
        return matrix.ANON
    council = _kind_council(route, kind)
    if route.is_admin and persona.staff:
        return matrix.STAFF if council in (None, persona.council) else matrix.STAFF_OTHER_COUNCIL
    if council is None:
        return persona.role or (matrix.GUEST if persona.guest_of else matrix.STRANGER)
    if kind in MIXED_KINDS:
        may_open = persona.council == "northtown" or persona.guest_of == "nt24"
        return matrix.MIXED if may_open else matrix.STRANGER
    if persona.council == council:
        if persona.role == matrix.DEPUTY and kind != "own":
            return matrix.OFFICER  # the deputy's cover of the second challenge's action has ended
        return persona.role or matrix.STRANGER
    if persona.guest_of is not None and KIND_COUNCIL[_guest_kind(persona)] == council:
        if kind == "own" and "council_slug" in route.arg_names:
            return matrix.GUEST  # a guest of one of the council's challenges
        if KIND_BUNDLE.get(kind) == persona.guest_of:
            return matrix.GUEST
    return matrix.STRANGER


def _guest_kind(persona: Persona) -> str:
    return next(kind for kind, key in KIND_BUNDLE.items() if key == persona.guest_of)


# --- the database fingerprint ---------------------------------------------------------

# Values of the tables that hold who may do what and the state of the plan: a change
# made with QuerySet.update() writes no history row, so counts alone would miss it.
WATCHED_VALUES: list[tuple[type[models.Model], tuple[str, ...]]] = [
    (get_user_model(), ("username", "password", "is_active", "is_staff", "is_superuser", "email")),
    (Membership, ("user_id", "council_id", "role", "expires_on")),
    (GuestAccess, ("user_id", "challenge_id", "expires_on")),
    (Action, ("recommendation_id", "status", "version", "lead_officer_id", "due_date", "signed_off_at",
              "closed_at")),
    (Recommendation, ("challenge_id", "number", "title", "theme_id", "response")),
    (PeerChallenge, ("council_id", "slug", "title", "archived_at")),
    (Deputy, ("council_id", "deputy_id", "action_id", "lead_officer_id", "ends_on")),
    (ProgressReview, ("challenge_id", "statement_status", "statement_introduction", "overall_feedback")),
    (Invitation, ("council_id", "email", "role", "token_hash", "expires_at", "accepted_at", "revoked_at")),
]
# Signing in and out writes sessions; it is not a change a refused request made.
UNWATCHED_TABLES = {"django_session"}


def _counts_sql() -> str:
    quote = connection.ops.quote_name
    parts = []
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if table in UNWATCHED_TABLES or not model._meta.managed or model._meta.proxy:
            continue
        column = quote(model._meta.pk.column)
        # The highest key catches a delete and an insert that keep the count; a key that is not a
        # number (the task queue's UUIDs) has no order worth reading, so its count alone is kept.
        top = f"MAX({column})" if model._meta.pk.get_internal_type().endswith(("AutoField", "IntegerField")) \
            else "CAST(NULL AS BIGINT)"
        # Table names from the models' own metadata, never from a request.
        parts.append(f"SELECT '{table}', COUNT(*), {top} FROM {quote(table)}")  # noqa: S608
    return " UNION ALL ".join(parts)


def writes() -> int:
    """Returns a counter of rows written on this connection, which any insert, update or delete moves.

    Cheap enough to read around every request; the full fingerprint is taken only when it moved.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT COALESCE(SUM(n_tup_ins + n_tup_upd + n_tup_del), 0) "
                           "FROM pg_stat_xact_user_tables WHERE relname <> 'django_session'")
        else:
            cursor.execute("SELECT total_changes()")
        return int(cursor.fetchone()[0])


def fingerprint() -> dict[str, Any]:
    """Returns row count and highest primary key per table, and a hash of the watched values."""
    with connection.cursor() as cursor:
        cursor.execute(_counts_sql())
        state: dict[str, Any] = {table: (count, top) for table, count, top in cursor.fetchall()}
    for model, columns in WATCHED_VALUES:
        rows = list(model._default_manager.order_by("pk").values_list("pk", *columns))
        state[f"{model._meta.db_table} values"] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return state


# --- running ----------------------------------------------------------------------------


@dataclass
class Tally:
    cases: int = 0
    names: set[str] = field(default_factory=set)
    failures: list[str] = field(default_factory=list)
    by_method: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0


TALLY = Tally()
# The matrix runs about 11,000 cases; far fewer means URLs, personas or kinds went missing.
CASE_FLOOR = 10_000


@pytest.fixture(scope="module")
def world(request: pytest.FixtureRequest, django_db_setup: Any, django_db_blocker: Any,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """Builds the data once for the module, in a transaction rolled back afterwards."""
    media: Path = tmp_path_factory.mktemp("matrix-media")
    fast_hashing = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=fast_hashing):
        with transaction.atomic():
            built = build_world()
            yield built
            transaction.set_rollback(True)
    # The count the security review asks to see, printed at the end of the run by tests/conftest.py
    # (from whichever pytest-xdist worker ran the matrix).
    # Added up over pytest-xdist workers and checked against CASE_FLOOR by tests/conftest.py.
    report_tally(MATRIX_TALLY, cases=TALLY.cases, get=TALLY.by_method["GET"], post=TALLY.by_method["POST"],
                 failing=len(TALLY.failures), milliseconds=round(TALLY.seconds * 1000),
                 names=sorted(TALLY.names), max_routes=len(ROUTES_BY_NAME), max_personas=len(PERSONAS),
                 max_floor=CASE_FLOOR)


def _body_text(response: Any) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace")


def run_case(world: World, route: Route, persona: Persona, method: str, request: Request,
             baseline: dict[str, Any]) -> list[str]:
    """Sends one request and returns what is wrong with the answer (nothing, when all is well)."""
    client = world.client
    # A copy, so cookies a response sets (signing out, messages) stay with this request.
    client.cookies = copy.deepcopy(world.cookies[persona.name])
    case = matrix.Case(persona.name, standing(persona, route, request.kind), method, request.kind,
                       persona.staff_permissions)
    expected = matrix.EXPECTED[route.name](case)
    label = f"{persona.name} ({case.standing}) {method} {request.url} [{request.kind}]"
    problems: list[str] = []
    with transaction.atomic():
        written = writes()
        try:
            if method == "GET":
                response = client.get(request.url)
            else:
                response = client.post(request.url, request.body)
        except Exception as error:  # noqa: BLE001 - a server error is a finding, not a crash
            problems.append(f"{label}: server error {type(error).__name__}: {str(error)[:200]}")
            transaction.set_rollback(True)
            return problems
        location = response.get("Location", "")
        if response.status_code >= 500 or not expected.accepts(response.status_code, location):
            where = f" to {location}" if location else ""
            problems.append(f"{label}: expected {expected.label}, got {response.status_code}{where}")
        body = _body_text(response)
        sent = request.url + json.dumps(request.body)  # a form shown again echoes what was sent
        for key, marker in MARKERS.items():
            if key not in persona.sees and marker in body and marker not in sent:
                problems.append(f"{label}: shows text of {key} ({marker})")
        if method == "POST" and not expected.may_write and writes() != written:
            after = fingerprint()
            changed = sorted(table for table in after if after[table] != baseline.get(table))
            if changed:
                problems.append(f"{label}: refused but changed the database: {', '.join(changed)}")
        transaction.set_rollback(True)
    return problems


def test_every_url_has_an_expectation() -> None:
    missing = sorted(set(ROUTES_BY_NAME) - set(matrix.EXPECTED))
    stale = sorted(set(matrix.EXPECTED) - set(ROUTES_BY_NAME))
    assert not missing, (f"Add these URL names to EXPECTED in tests/permission_matrix.py (who may GET "
                         f"and POST them): {missing}")
    assert not stale, f"These entries of tests/permission_matrix.py name no URL any more: {stale}"


@pytest.mark.parametrize("name", sorted(ROUTES_BY_NAME))
def test_url_answers_every_persona_as_the_table_says(world: World, name: str) -> None:
    assert name in matrix.EXPECTED, (
        f"{name} ({ROUTES_BY_NAME[name][0].route}) is not in the permission matrix: add it to EXPECTED "
        "in tests/permission_matrix.py, saying who may GET and POST it.")
    started = time.perf_counter()
    baseline = fingerprint()
    problems: list[str] = []
    cases = 0
    seen: set[tuple[str, str]] = set()
    for route in ROUTES_BY_NAME[name]:
        for request in _requests(route, world):
            if (request.url, request.kind) in seen:
                continue  # a pattern put in front of another answers its URLs
            seen.add((request.url, request.kind))
            for persona in PERSONAS:
                for method in ("GET", "POST"):
                    problems += run_case(world, route, persona, method, request, baseline)
                    cases += 1
                    TALLY.by_method[method] += 1
    TALLY.cases += cases
    TALLY.names.add(name)
    TALLY.failures += problems
    TALLY.seconds += time.perf_counter() - started
    assert cases >= 2 * len(PERSONAS)
    assert not problems, f"{len(problems)} of {cases} cases of {name} went wrong:\n" + "\n".join(problems)


def test_each_persona_sees_the_marked_text_it_may_read(world: World) -> None:
    """The leak check looks for marker words: they must show where the persona may read them."""
    client = world.client
    pages = [("officer (lead)", "/challenges/northtown-2024/", "nt24"),
             ("active guest", "/challenges/northtown-2024/", "nt24"),
             ("scrutiny", "/challenges/northtown-2018/", "nt18"),
             ("other council's officer", "/challenges/southport-2024/", "sp"),
             ("coordinator", reverse("admin:recommendations_recommendation_changelist"), "nt18"),
             ("other council's coordinator", reverse("admin:recommendations_recommendation_changelist"), "sp")]
    for persona, url, key in pages:
        client.cookies = copy.deepcopy(world.cookies[persona])
        response = client.get(url)
        assert response.status_code == 200
        assert MARKERS[key] in response.content.decode()


def test_the_matrix_notices_a_refused_request_that_writes(world: World, monkeypatch: Any) -> None:
    """Ending a guest's access writes; told it should be refused, the matrix reports the write."""
    monkeypatch.setitem(matrix.EXPECTED, "guest_end", lambda case: matrix.FORBIDDEN)
    route = ROUTES_BY_NAME["guest_end"][0]
    own = next(request for request in _requests(route, world) if request.kind == "own")
    coordinator = next(persona for persona in PERSONAS if persona.username == "alice")
    problems = run_case(world, route, coordinator, "POST", own, fingerprint())
    assert any("expected 403, got 302" in problem for problem in problems)
    assert any("refused but changed the database: reviews_guestaccess values, "
               "reviews_historicalguestaccess" in problem for problem in problems)
    # The request ran in a savepoint rolled back afterwards: the access is still open.
    assert GuestAccess.objects.active().filter(pk=world.bundles["nt24"]["recommendations.guestaccess"].pk).exists()
