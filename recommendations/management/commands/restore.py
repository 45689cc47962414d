"""python manage.py restore DIR: load a backup into an empty database, checking every hash."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandParser

from peertrack.backup import FolderCommand, restore


class Command(FolderCommand):
    help = ("Restores a folder written by `backup` into an empty database (migrating it first) and "
            "MEDIA_ROOT, all or nothing; re-run it to finish a restore that was interrupted.")
    files_failed = "A file could not be read or written ({problem}). Fix that and run restore again."
    database_failed = "The database refused the restore ({problem}). Fix that and run restore again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path)

    def run(self, folder: Path) -> str:
        manifest = restore(folder)
        return (f"Restored {sum(manifest['rows'].values())} rows and "
                f"{len(manifest['files'])} files; every count and checksum matches.")
