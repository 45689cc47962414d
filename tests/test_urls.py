"""The URL map: every address the product answers (the admin's aside), its URL name, its view and, for the
views that declare their routes, the methods they answer and whether they need sign-in.

Views declare their own paths (peertrack/routing.py, ADR 0029), so this pins the whole map in one place:
`tests/urls.json`. A change to it is a change to the product's addresses and should be deliberate;
`pytest tests/test_urls.py -s` prints the map as it now is.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve

RECORDED = Path(__file__).with_name("urls.json")
SAMPLE = {"id": "12", "slug": "a-slug", "str": "a-token", "path": "a/path"}


def _view_name(pattern: URLPattern) -> str | None:
    if hasattr(pattern.callback, "view_class"):
        return None
    view = pattern.callback
    while hasattr(view, "__wrapped__"):
        view = view.__wrapped__
    return f"{view.__module__}.{view.__name__}"


def _url_map(patterns: list[Any] | None = None, prefix: str = "") -> list[dict[str, Any]]:
    rows = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if route.startswith("admin/"):
            continue
        if isinstance(pattern, URLResolver):
            rows += _url_map(pattern.url_patterns, route)
            continue
        assert isinstance(pattern, URLPattern)
        row: dict[str, Any] = {"route": route, "name": pattern.name}
        if view := _view_name(pattern):
            row["view"] = view
        if pattern.default_args:
            row["kwargs"] = pattern.default_args
        if guards := getattr(pattern.callback, "guards", None):  # peertrack/routing.py
            methods, signed_in = guards
            row |= {"methods": list(methods), "signed_in": signed_in}
        rows.append(row)
    return sorted(rows, key=lambda row: row["route"])


def test_the_url_map_is_the_recorded_one() -> None:
    now = _url_map()
    print("\n".join(f"/{row['route']}  {row['name']}  {row.get('view', '(class view)')}" for row in now))
    assert now == json.loads(RECORDED.read_text())


@pytest.mark.parametrize("row", json.loads(RECORDED.read_text()), ids=lambda row: row["name"])
def test_each_address_reaches_its_own_view(row: dict[str, Any]) -> None:
    """Returns the pattern's own name for an address made from it: no earlier pattern takes it."""
    address = "/" + re.sub(r"<(?:(\w+):)?\w+>", lambda part: SAMPLE.get(str(part.group(1) or "str"), "x"), row["route"])
    assert resolve(address).url_name == row["name"]
