"""The small helpers views share: the answer to a POST that succeeded or was refused, and a table's header cells."""

from __future__ import annotations

import pytest
from django.contrib import messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.http import HttpRequest
from django.template import Context, Template
from django.test import RequestFactory
from django.test.html import parse_html

from peertrack.http import refusal_as_message, succeeded


class Refused(Exception):
    pass


def _request() -> HttpRequest:
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    return request


def _said(request: HttpRequest) -> list[tuple[int, str]]:
    return [(message.level, message.message) for message in messages.get_messages(request)]


def test_a_post_that_succeeded_says_so_and_redirects() -> None:
    request = _request()
    response = succeeded(request, "The draft report has been saved.", "/packs/")
    assert response.status_code == 302 and response["Location"] == "/packs/"
    assert _said(request) == [(messages.SUCCESS, "The draft report has been saved.")]


def test_a_refusal_is_shown_as_a_message_and_skips_the_rest_of_the_block() -> None:
    request = _request()
    with refusal_as_message(request, Refused, level=messages.INFO):
        raise Refused("This pack was already withdrawn.")
        messages.success(request, "Withdrawn.")  # not reached
    assert _said(request) == [(messages.INFO, "This pack was already withdrawn.")]


def test_without_a_refusal_the_block_runs_to_its_end() -> None:
    request = _request()
    with refusal_as_message(request, Refused):
        messages.success(request, "Sent again.")
    assert _said(request) == [(messages.SUCCESS, "Sent again.")]


def test_another_error_is_not_taken_for_a_refusal() -> None:
    with pytest.raises(KeyError), refusal_as_message(_request(), Refused):
        raise KeyError("bug")


def test_header_cells_are_the_plain_cells_written_out_and_escaped() -> None:
    drawn = Template('{% load govuk_tables %}{% header_cells "Challenge" "Last update" label %}').render(
        Context({"label": "<b>Due</b>"})
    )
    written = (
        '<th scope="col" class="govuk-table__header">Challenge</th>'
        '<th scope="col" class="govuk-table__header">Last update</th>'
        '<th scope="col" class="govuk-table__header">&lt;b&gt;Due&lt;/b&gt;</th>'
    )
    assert parse_html(drawn) == parse_html(written)
