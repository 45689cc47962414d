"""Lines a test wants printed at the end of the whole run, whichever pytest-xdist worker ran it.

A worker's own terminal output is not shown, so a test writes its line to a file named after
the run (`PEERTRACK_TEST_RUN`, set once by the controlling process in tests/conftest.py and
inherited by the workers) and the controlling process prints every line in its terminal summary.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

RUN_VARIABLE = "PEERTRACK_TEST_RUN"


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
