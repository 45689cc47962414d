"""Reads a PDF's text the way a reader (or a screen reader) gets it, with pdftotext."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

PDFTOTEXT = shutil.which("pdftotext") or "/usr/bin/pdftotext"


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    source = tmp_path / "pack-under-test.pdf"
    source.write_bytes(pdf)
    result = subprocess.run(  # noqa: S603 - a fixed tool on a file the test wrote
        [PDFTOTEXT, "-layout", str(source), "-"], capture_output=True, check=True
    )
    return result.stdout.decode()
