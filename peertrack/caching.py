"""Keeps signed-in pages and private downloads out of every shared cache (docs/SECURITY.md,
"Caching"), and keeps the server's own cache of rendered pages from ever serving a stale one.

A council's plan, packs and exports are private to the people who may see them. Without a
Cache-Control header a browser may keep a copy on disk after sign-out (a shared council PC), and a
proxy may serve one user's page to another; `no-store` forbids both, `private` keeps shared caches
out even for a client that ignores `no-store`, and `Vary: Cookie` says the page depends on who is
signed in.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers


def is_private(request: HttpRequest, response: HttpResponse) -> bool:
    """Returns True for a response to a signed-in request and for any file download.

    A file (any response with a Content-Disposition, attachment or inline like the position
    statement PDF) counts whoever asks, so a future file served without sign-in is not cached
    by mistake. Static files never get here: WhiteNoise answers
    them before this middleware and keeps its long cache lifetime. The sign-in page is anonymous
    and left alone: Django's LoginView already sends it with `no-store`, since it carries a CSRF
    token; so is the locked-out page (peertrack.lockout.lockout_response).
    """
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    return response.has_header("Content-Disposition")


class PrivateCacheMiddleware:
    """Adds `Cache-Control: no-store, private` and `Vary: Cookie` to private responses.

    A response that already says `no-store` keeps its own header (nothing is stricter); any other
    Cache-Control it set gains `no-store` and `private`, which override `public` and any max-age.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if is_private(request, response):
            if "no-store" not in response.get("Cache-Control", "").lower():
                patch_cache_control(response, no_store=True, private=True)
            patch_vary_headers(response, ("Cookie",))
        return response


# --- Server-side page cache that cannot go stale (ADR 0026) -------------------------------------
#
# A challenge's dashboard, action plan and portfolio row are rendered once and kept in Django's
# cache under a key holding the challenge's `cache_version`. Every write to the challenge or to
# anything in it bumps that version in the write's own transaction (`bump_on_write`, connected to
# every model's post_save and post_delete and to `action_written`), and the version is read from
# the challenge's row, which every such page loads anyway. So once a write commits, the next
# request builds a new key: an old entry is never read again and ages out. New models and pages get
# this for free: any model with a foreign key path to a challenge or a council bumps it.

TODAY_TIMEOUT = 60 * 60
PAST_TIMEOUT = 24 * 60 * 60
_MAX_DEPTH = 4
# Apps whose rows no cached page shows.
_NOT_SHOWN = {"notifications", "sessions", "admin", "contenttypes", "django_tasks_database"}


def _owner_paths(model: type[Any]) -> list[tuple[str, ...]]:
    """Returns the foreign key paths from `model` to PeerChallenge or Council, shortest first
    (one per first field), e.g. ("action", "recommendation", "challenge")."""
    return list(_paths_for(model))  # type: ignore[arg-type]  # a model class is hashable


@functools.cache
def _paths_for(model: type[Any]) -> tuple[tuple[str, ...], ...]:
    if model.__name__.startswith("Historical") or model._meta.app_label in _NOT_SHOWN:
        return ()  # a history record is written beside the row it records, which bumps
    targets = {"recommendations.PeerChallenge", "recommendations.Council"}
    found = []
    for first in model._meta.concrete_fields:
        if not first.is_relation or first.related_model is None:
            continue
        queue: list[tuple[type[Any], tuple[str, ...]]] = [(first.related_model, (first.name,))]
        while queue:
            current, path = queue.pop(0)
            if current._meta.label in targets:
                found.append(path)
                break
            if len(path) >= _MAX_DEPTH:
                continue
            queue.extend((field.related_model, (*path, field.name)) for field in current._meta.concrete_fields
                         if field.is_relation and field.related_model is not None and field.many_to_one)
    return tuple(found)


def _challenges_touched(instance: Any) -> Any:
    """Returns a PeerChallenge queryset of the challenges a write to `instance` changes, or None."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    from recommendations.models import Council, PeerChallenge

    if isinstance(instance, PeerChallenge):
        return PeerChallenge.objects.filter(pk=instance.pk)
    if isinstance(instance, Council):
        return PeerChallenge.objects.filter(council_id=instance.pk)
    if isinstance(instance, get_user_model()):
        # A person's name shows on every plan they lead in; signing in changes nothing shown.
        return PeerChallenge.objects.filter(council__memberships__user_id=instance.pk)
    condition = Q()
    for path in _owner_paths(type(instance)):
        value = getattr(instance, instance._meta.get_field(path[0]).attname, None)
        if value is None:
            continue
        target = instance._meta.get_field(path[0]).related_model
        if target is PeerChallenge:
            condition |= Q(pk=value)
        elif target is Council:
            condition |= Q(council_id=value)
        else:
            # e.g. ProgressUpdate: the challenge of its action, found inside the same UPDATE.
            ids = target.objects.filter(pk=value).values("__".join(path[1:]))
            condition |= Q(council_id__in=ids) if _ends_at_council(target, path[1:]) else Q(pk__in=ids)
    if not condition:
        return None
    return PeerChallenge.objects.filter(condition)


def _ends_at_council(model: type[Any], rest: tuple[str, ...]) -> bool:
    for name in rest:
        model = model._meta.get_field(name).related_model
    return bool(model._meta.label == "recommendations.Council")


def bump(challenges: Any) -> None:
    """Gives every challenge in the `challenges` queryset a new cache version: one UPDATE.

    A random 62-bit number rather than a count: a full `save()` of a challenge loaded earlier
    writes its old version back, and the bump that follows must still give a value no key used.
    """
    challenges.update(cache_version=secrets.randbits(62))


def bump_on_write(sender: Any, instance: Any, raw: bool = False, update_fields: Any = None,
                  **kwargs: Any) -> None:
    """Receiver: bumps the challenges a saved or deleted row belongs to (nothing for a loaddata)."""
    if raw or (update_fields is not None and set(update_fields) <= {"last_login"}):
        return
    challenges = _challenges_touched(instance)
    if challenges is not None:
        bump(challenges)


def bump_on_action_written(sender: Any, action: Any, **kwargs: Any) -> None:
    """Receiver for `recommendations.signals.action_written` (guarded UPDATEs send no post_save)."""
    from recommendations.models import PeerChallenge

    bump(PeerChallenge.objects.filter(recommendations=action.recommendation_id))


def connect() -> None:
    """Connects the receivers that bump versions (from `RecommendationsConfig.ready`)."""
    from django.db.models.signals import post_delete, post_save

    from recommendations.signals import action_written

    post_save.connect(bump_on_write, dispatch_uid="peertrack.caching.saved")
    post_delete.connect(bump_on_write, dispatch_uid="peertrack.caching.deleted")
    action_written.connect(bump_on_action_written, dispatch_uid="peertrack.caching.written")


def page_key(kind: str, challenges: Iterable[Any], *parts: Any) -> str:
    """Returns a cache key for a page of `kind` over `challenges` (rows with `cache_version` and
    `archived_at` loaded) and whatever else changes the page (date, filters, role)."""
    versions = ",".join(f"{c.pk}.{c.cache_version}.{int(c.archived_at is not None)}" for c in challenges)
    digest = hashlib.sha256(repr((versions, parts)).encode()).hexdigest()[:32]
    return f"page:{kind}:{digest}"


def cached(key: str, build: Callable[[], Any], *, past: bool = False) -> Any:
    """Returns the value cached under `key`, building and storing it when missing; a past date's
    picture is kept longer since history does not change."""
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, PAST_TIMEOUT if past else TODAY_TIMEOUT)
    return value
