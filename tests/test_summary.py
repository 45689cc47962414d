"""The end-of-run counts: added up over pytest-xdist workers, and the matrix's floor."""

from __future__ import annotations

from tests.summary import matrix_summary, report_tally, take_tally


def _tally(cases: int, names: list[str]) -> dict:
    return {"cases": cases, "get": cases // 2, "post": cases // 2, "failing": 0, "milliseconds": 1500,
            "names": names, "max_routes": 3, "max_personas": 10, "max_floor": 100}


def test_counts_from_several_workers_are_added_up_and_names_joined():
    report_tally("probe", cases=40, names=["a", "b"], max_routes=3)
    report_tally("probe", cases=70, names=["b", "c"], max_routes=3)
    assert take_tally("probe") == {"cases": 110, "names": ["a", "b", "c"], "max_routes": 3}
    assert take_tally("probe") is None  # taken once


def test_a_matrix_that_covered_every_url_with_too_few_cases_fails():
    line, failure = matrix_summary(_tally(99, ["a", "b", "c"]))
    assert line.startswith("permission matrix: 99 cases")
    assert failure == "The permission matrix ran only 99 cases; expected at least 100."


def test_a_partial_run_of_the_matrix_is_not_held_to_the_floor():
    assert matrix_summary(_tally(10, ["a"]))[1] is None
    assert matrix_summary(_tally(100, ["a", "b", "c"]))[1] is None
