"""Keeps signed-in pages and private downloads out of every cache (docs/SECURITY.md, "Caching").

A council's plan, packs and exports are private to the people who may see them. Without a
Cache-Control header a browser may keep a copy on disk after sign-out (a shared council PC), and a
proxy may serve one user's page to another; `no-store` forbids both, `private` keeps shared caches
out even for a client that ignores `no-store`, and `Vary: Cookie` says the page depends on who is
signed in.
"""

from __future__ import annotations

from collections.abc import Callable

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
