"""python manage.py restore DIR: load a backup into an empty database, checking every hash."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from peertrack.backup import command_errors, restore


class Command(BaseCommand):
    help = ("Restores a folder written by `backup` into an empty database (migrating it first) and "
            "MEDIA_ROOT, all or nothing; re-run it to finish a restore that was interrupted.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path)

    def handle(self, *args: Any, folder: Path, **options: Any) -> None:
        with command_errors(
            folder,
            files=lambda problem: f"A file could not be read or written ({problem}). Fix that and run restore again.",
            database=lambda problem: f"The database refused the restore ({problem}). Fix that and run restore again.",
        ):
            manifest = restore(folder)
        self.stdout.write(f"Restored {sum(manifest['rows'].values())} rows and "
                          f"{len(manifest['files'])} files; every count and checksum matches.")
