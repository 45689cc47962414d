"""URL patterns declared on the views they lead to (ADR 0029).

Each views module holds a `Routes`, and each view carries its path, name and methods on one decorator, which
also puts it behind sign-in and the method check:

    routes = Routes(CHALLENGE + "packs/")

    @routes.page("<id:sequence>/withdraw/", name="pack_withdraw")
    def pack_withdraw(request, slug, sequence): ...

The app's urls.py lists `routes.urlpatterns`. A view's path, name and code stand together, so neither can
be renamed or removed without the other, and a path prefix is written once per module (`routes.under`).
It is Wagtail's `@path` on a routable page, for function views.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods

View = TypeVar("View", bound=Callable[..., Any])

# The prefixes most pages live under.
CHALLENGE = "challenges/<slug:slug>/"
COUNCIL = "councils/<slug:council_slug>/"


class Routes:
    """The URL patterns of one views module, in the order they are declared.

    `get`, `post` and `page` (GET and POST) each declare a view at a path under a URL name, and give it the
    guards every view had written above it: sign-in first (`login_required`; `signed_in=False` for the few
    pages anyone may open), then the HTTP methods it answers (`require_http_methods`, 405 for any other).
    So a new view is signed-in-only unless it says otherwise.
    """

    def __init__(self, prefix: str = "", *, _declared: list[tuple[str, Callable[..., Any], dict[str, Any], str]]
                 | None = None) -> None:
        self.prefix = prefix
        self._declared = [] if _declared is None else _declared

    def under(self, prefix: str) -> Routes:
        """Returns routes that add to these ones, each under `prefix` as well."""
        return Routes(self.prefix + prefix, _declared=self._declared)

    def get(self, route: str, *, name: str, signed_in: bool = True, kwargs: dict[str, Any] | None = None
            ) -> Callable[[View], View]:
        """Declares a view that only reads (GET)."""
        return self._declare(route, name, ("GET",), signed_in, kwargs)

    def post(self, route: str, *, name: str, signed_in: bool = True, kwargs: dict[str, Any] | None = None
             ) -> Callable[[View], View]:
        """Declares a view that only acts on a form's submission (POST)."""
        return self._declare(route, name, ("POST",), signed_in, kwargs)

    def page(self, route: str, *, name: str, signed_in: bool = True, kwargs: dict[str, Any] | None = None
             ) -> Callable[[View], View]:
        """Declares a page with a form: GET shows it, POST submits it."""
        return self._declare(route, name, ("GET", "POST"), signed_in, kwargs)

    def _declare(self, route: str, name: str, methods: tuple[str, ...], signed_in: bool,
                 kwargs: dict[str, Any] | None) -> Callable[[View], View]:
        def declare(view: View) -> View:
            same_guards = getattr(view, "guards", None) == (methods, signed_in)
            guarded = view if same_guards else _guard(view, methods, signed_in)
            self._declared.append((self.prefix + route, guarded, kwargs or {}, name))
            return guarded

        return declare

    @property
    def urlpatterns(self) -> list[URLPattern]:
        """Returns the patterns, made when the URLconf is loaded: after `RecommendationsConfig.ready` has
        registered the "<id:...>" converter, which a view module imported earlier could not rely on."""
        return [path(route, view, kwargs, name=name) for route, view, kwargs, name in self._declared]


def _guard(view: View, methods: tuple[str, ...], signed_in: bool) -> View:
    """Returns `view` behind sign-in (when `signed_in`) and then the method check, in that order: a signed-out
    visitor is sent to sign in whatever the method. A view declared at two paths is guarded once."""
    guarded = require_http_methods(list(methods))(view)
    if signed_in:
        guarded = login_required(guarded)
    guarded.guards = (methods, signed_in)  # type: ignore[attr-defined]
    return guarded
