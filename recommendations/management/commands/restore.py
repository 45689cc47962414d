"""python manage.py restore DIR: load a backup into an empty database, checking every hash."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from peertrack.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restores a folder written by `backup` into an empty database (migrating it first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path)

    def handle(self, *args: Any, folder: Path, **options: Any) -> None:
        try:
            manifest = restore(folder)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {sum(manifest['rows'].values())} rows and "
                          f"{len(manifest['files'])} files; every count and checksum matches.")
