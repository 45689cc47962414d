"""Routes declared on views (peertrack/routing.py): the guards each declaration puts on its view."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from peertrack.routing import Routes

factory = RequestFactory()


def _call(view: Any, method: str, user: Any) -> HttpResponse:
    request: HttpRequest = getattr(factory, method.lower())("/somewhere/")
    request.user = user
    response: HttpResponse = view(request)
    return response


def _hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("hello")


def test_a_signed_out_visitor_is_sent_to_sign_in_whatever_the_method() -> None:
    view = Routes().get("somewhere/", name="somewhere")(_hello)
    for method in ("GET", "POST"):
        response = _call(view, method, AnonymousUser())
        assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_a_signed_in_user_gets_405_for_a_method_the_view_does_not_answer() -> None:
    bob = User(username="bob")  # signed in; nothing here reads the database
    routes = Routes()
    assert _call(routes.get("a/", name="a")(_hello), "POST", bob).status_code == 405
    assert _call(routes.post("b/", name="b")(_hello), "GET", bob).status_code == 405
    page = routes.page("c/", name="c")(_hello)
    assert [_call(page, method, bob).status_code for method in ("GET", "POST", "PUT")] == [200, 200, 405]


def test_a_page_declared_for_everyone_needs_no_sign_in() -> None:
    view = Routes().get("open/", name="open", signed_in=False)(_hello)
    assert _call(view, "GET", AnonymousUser()).status_code == 200
    assert _call(view, "POST", AnonymousUser()).status_code == 405


def test_a_view_at_two_paths_is_guarded_once_and_each_path_keeps_its_arguments() -> None:
    routes = Routes("things/")
    inner = routes.page("two/", name="two", kwargs={"which": 2})(_hello)
    view = routes.page("one/", name="one", kwargs={"which": 1})(inner)
    first, second = routes.urlpatterns
    assert first.callback is second.callback is view
    assert view.__wrapped__.__wrapped__ is _hello  # type: ignore[attr-defined]  # sign-in around methods, once
    assert [(str(p.pattern), p.name, p.default_args) for p in routes.urlpatterns] == [
        ("things/two/", "two", {"which": 2}), ("things/one/", "one", {"which": 1})]


def test_routes_under_a_prefix_add_to_the_same_list() -> None:
    routes = Routes("a/")
    deeper = routes.under("<id:pk>/")
    routes.get("", name="top")(_hello)
    deeper.post("go/", name="deep")(_hello)
    assert [str(p.pattern) for p in routes.urlpatterns] == ["a/", "a/<id:pk>/go/"]
    assert len(deeper.urlpatterns) == 2  # one list, whichever Routes reads it
