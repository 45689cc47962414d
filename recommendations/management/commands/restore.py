"""python manage.py restore DIR: load a backup into an empty database, checking every hash."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from peertrack.backup import BackupError, last_line, restore


class Command(BaseCommand):
    help = ("Restores a folder written by `backup` into an empty database (migrating it first) and "
            "MEDIA_ROOT, all or nothing; re-run it to finish a restore that was interrupted.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path)

    def handle(self, *args: Any, folder: Path, **options: Any) -> None:
        try:
            manifest = restore(folder)
        except BackupError as error:
            raise CommandError(str(error)) from error
        except OSError as error:
            raise CommandError(f"A file could not be read or written ({error.strerror or error}: "
                               f"{error.filename or folder}). Fix that and run restore again.") from error
        except DatabaseError as error:
            raise CommandError(f"The database refused the restore ({last_line(error)}). Fix that and run "
                               "restore again.") from error
        self.stdout.write(f"Restored {sum(manifest['rows'].values())} rows and "
                          f"{len(manifest['files'])} files; every count and checksum matches.")
