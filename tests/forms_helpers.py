"""Helpers for tests that post the apps' forms: refusals, in-place edits and paste imports."""

from __future__ import annotations

from typing import Any

from django.db.models import Manager, QuerySet
from django.urls import reverse

HTMX = {"HX-Request": "true"}


def assert_refused(response: Any, message: str, *, rows: Manager[Any] | QuerySet[Any], count: int) -> None:
    """Asserts the form came back (200) showing `message`, and `rows` still number `count`: nothing was saved."""
    assert response.status_code == 200
    assert message in response.content.decode()
    assert rows.count() == count


def assert_get_and_post_refused(client: Any, url: str, data: dict[str, Any], *, status: int) -> None:
    """Asserts opening `url` and posting `data` to it both get `status` (403 forbidden, 404 not found)."""
    assert client.get(url).status_code == status
    assert client.post(url, data).status_code == status


def assert_each_council_reaches_only_its_own(client: Any, view: str, *, challenge: Any, mine: Any, theirs: Any,
                                             insider: Any, outsider: Any, data: dict[str, Any]) -> None:
    """Asserts the page `view` of a challenge's object (its address: the challenge's slug, the object's pk)
    reaches only the challenge's own objects, for its own council: `insider`, of `challenge`'s council, gets
    404 opening another council's object `theirs` under `challenge`'s address, and `outsider`, of another
    council, gets 404 posting `data` to `challenge`'s own object `mine`."""
    client.force_login(insider)
    assert client.get(reverse(view, args=[challenge.slug, theirs.pk])).status_code == 404
    client.force_login(outsider)
    assert client.post(reverse(view, args=[challenge.slug, mine.pk]), data).status_code == 404


def save_in_place(client: Any, url: str, data: dict[str, Any]) -> Any:
    """Opens a set-up section's form at `url` as htmx does, then posts `data` back as htmx with the form's
    `loaded` stamp (what the edit-conflict check compares); returns the response."""
    form = client.get(url, headers=HTMX).context["section"].form
    return client.post(url, {**data, "loaded": form["loaded"].value()}, headers=HTMX)


def preview_import(client: Any, url: str, text: str) -> str:
    """Posts pasted `text` to the import page at `url` for its preview step; asserts the preview is shown
    (200) and returns its page."""
    response = client.post(url, {"step": "preview", "text": text})
    assert response.status_code == 200
    return str(response.content.decode())
