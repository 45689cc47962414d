"""python manage.py backup --out DIR: every table, the history tables and the stored files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from peertrack.backup import backup, command_errors


class Command(BaseCommand):
    help = ("Writes a backup folder: data.json (every row, read in one consistent snapshot), media/ "
            "(stored files) and manifest.json.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, type=Path, help="A new or empty folder.")

    def handle(self, *args: Any, out: Path, **options: Any) -> None:
        with command_errors(
            out,
            files=lambda problem: f"The backup could not be written ({problem}); nothing usable was left in {out}.",
            database=lambda problem: f"The database could not be read ({problem}); no backup was made.",
        ):
            manifest = backup(out)
        rows = sum(manifest["rows"].values())
        self.stdout.write(f"Backed up {rows} rows of {len(manifest['rows'])} tables and "
                          f"{len(manifest['files'])} files to {out}.")
