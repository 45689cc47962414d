"""Lines a test wants printed at the end of the whole run, whichever pytest-xdist worker ran it.

A worker's own terminal output is not shown, so a test writes its line to a file named after
the run (`PEERTRACK_TEST_RUN`, set once by the controlling process in tests/conftest.py and
inherited by the workers) and the controlling process prints every line in its terminal summary.
"""

from __future__ import annotations

import json
import os
import tempfile
import uuid
from pathlib import Path
from typing import Any

RUN_VARIABLE = "PEERTRACK_TEST_RUN"
MATRIX_TALLY = "permission matrix"


def start_run() -> None:
    """Names this run, unless a controlling process already did (we are then a worker)."""
    os.environ.setdefault(RUN_VARIABLE, uuid.uuid4().hex)


def _folder() -> Path:
    return Path(tempfile.gettempdir())


def report_summary(line: str) -> None:
    """Keeps `line` to be printed at the end of the run."""
    run = os.environ.get(RUN_VARIABLE, "single")
    path = _folder() / f"peertrack-summary-{run}-{os.getpid()}-{uuid.uuid4().hex[:8]}.txt"
    path.write_text(line, encoding="utf-8")


def take_summaries() -> list[str]:
    """Returns (and forgets) the lines kept during this run."""
    run = os.environ.get(RUN_VARIABLE, "single")
    lines = []
    for path in sorted(_folder().glob(f"peertrack-summary-{run}-*.txt")):
        lines.append(path.read_text(encoding="utf-8"))
        path.unlink(missing_ok=True)
    return lines


def report_tally(name: str, **numbers: int | list[str]) -> None:
    """Keeps a count to be added up over every worker at the end of the run.

    Whole numbers are added together, except those named `max_…`, of which the largest is kept;
    lists (e.g. the URL names covered) are joined without repeats.
    """
    run = os.environ.get(RUN_VARIABLE, "single")
    path = _folder() / f"peertrack-tally-{run}-{_slug(name)}-{os.getpid()}-{uuid.uuid4().hex[:8]}.json"
    path.write_text(json.dumps({"name": name, "numbers": numbers}), encoding="utf-8")


def _slug(name: str) -> str:
    return "".join(character if character.isalnum() else "_" for character in name)


def take_tally(name: str) -> dict[str, Any] | None:
    """Returns (and forgets) the counts kept under `name` during this run, added up; None if none."""
    run = os.environ.get(RUN_VARIABLE, "single")
    merged: dict[str, Any] | None = None
    for path in sorted(_folder().glob(f"peertrack-tally-{run}-{_slug(name)}-*.json")):
        kept = json.loads(path.read_text(encoding="utf-8"))
        path.unlink(missing_ok=True)
        merged = {} if merged is None else merged
        for key, value in kept["numbers"].items():
            if isinstance(value, list):
                merged[key] = sorted(set(merged.get(key, [])) | set(value))
            elif key.startswith("max_"):
                merged[key] = max(merged.get(key, value), value)
            else:
                merged[key] = merged.get(key, 0) + value
    return merged


def matrix_summary(tally: dict[str, Any]) -> tuple[str, str | None]:
    """Returns the permission matrix's summary line, and a failure message when it ran too few cases.

    The floor applies once every URL name was run (a run of one test file checks nothing).
    """
    line = (f"permission matrix: {tally['cases']} cases (URL x persona x method x object) over "
            f"{len(tally['names'])} URL names, {tally['max_personas']} personas (GET {tally['get']}, "
            f"POST {tally['post']}) in {tally['milliseconds'] / 1000:.1f} s; {tally['failing']} failing cases")
    if len(tally["names"]) == tally["max_routes"] and tally["cases"] < tally["max_floor"]:
        return line, f"The permission matrix ran only {tally['cases']} cases; expected at least {tally['max_floor']}."
    return line, None
