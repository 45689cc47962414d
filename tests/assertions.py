"""Assertions the apps' tests share."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import Model


def assert_append_only(row: Model, *, change: dict[str, Any], save_match: str | None = None,
                       delete_match: str | None = None, queryset_match: str | None = None) -> None:
    """Asserts `row` is a record that is never changed or deleted.

    Saving it with `change` applied, deleting it, and updating (with `change`) or deleting it
    through a QuerySet each raise TypeError, whose message matches the given pattern if any; the
    stored row keeps the values it had. `row` is left with `change` applied in memory.
    """
    rows = type(row)._default_manager.filter(pk=row.pk)
    stored = rows.values(*change).get()
    for field, value in change.items():
        setattr(row, field, value)
    with pytest.raises(TypeError, match=save_match):
        row.save()
    with pytest.raises(TypeError, match=delete_match):
        row.delete()
    with pytest.raises(TypeError, match=queryset_match):
        rows.update(**change)
    with pytest.raises(TypeError, match=queryset_match):
        rows.delete()
    assert rows.values(*change).get() == stored
