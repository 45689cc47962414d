"""python manage.py backup --out DIR: every table, the history tables and the stored files."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandParser

from peertrack.backup import FolderCommand, backup


class Command(FolderCommand):
    help = ("Writes a backup folder: data.json (every row, read in one consistent snapshot), media/ "
            "(stored files) and manifest.json.")
    files_failed = "The backup could not be written ({problem}); nothing usable was left in {folder}."
    database_failed = "The database could not be read ({problem}); no backup was made."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", dest="folder", required=True, type=Path, help="A new or empty folder.")

    def run(self, folder: Path) -> str:
        manifest = backup(folder)
        rows = sum(manifest["rows"].values())
        return (f"Backed up {rows} rows of {len(manifest['rows'])} tables and "
                f"{len(manifest['files'])} files to {folder}.")
