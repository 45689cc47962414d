"""Temporary (deleted after the run): the hostile POST test over the import forms only."""
import pytest

from tests import test_hostile_input_property as hostile
from tests.test_hostile_input_property import world  # noqa: F401  (the fixture)

MINE = ("new challenge", "paste recommendations", "upload action plan", "confirm action plan",
        "map action plan columns", "import a response table")


def test_import_forms_only(client, world, monkeypatch):  # noqa: F811
    monkeypatch.setattr(hostile, "FORM_VIEWS", [v for v in hostile.FORM_VIEWS if v.name in MINE])
    assert len(hostile.FORM_VIEWS) == len(MINE)
    hostile.test_hostile_form_posts_get_no_server_error_no_partial_write_and_escaped_output(client, world)


def test_import_query_parameters_only(client, world, monkeypatch):  # noqa: F811
    monkeypatch.setattr(hostile, "QUERY_PARAMETERS",
                        {"action_plan_import_problems": hostile.QUERY_PARAMETERS["action_plan_import_problems"]})
    hostile.test_hostile_query_parameters_get_no_server_error_no_write_and_escaped_output(client, world)
