"""python manage.py backup --out DIR: every table, the history tables and the stored files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from peertrack.backup import BackupError, backup, last_line


class Command(BaseCommand):
    help = ("Writes a backup folder: data.json (every row, read in one consistent snapshot), media/ "
            "(stored files) and manifest.json.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, type=Path, help="A new or empty folder.")

    def handle(self, *args: Any, out: Path, **options: Any) -> None:
        try:
            manifest = backup(out)
        except BackupError as error:
            raise CommandError(str(error)) from error
        except OSError as error:
            raise CommandError(f"The backup could not be written ({error.strerror or error}: "
                               f"{error.filename or out}); nothing usable was left in {out}.") from error
        except DatabaseError as error:
            raise CommandError(f"The database could not be read ({last_line(error)}); no backup was "
                               "made.") from error
        rows = sum(manifest["rows"].values())
        self.stdout.write(f"Backed up {rows} rows of {len(manifest['rows'])} tables and "
                          f"{len(manifest['files'])} files to {out}.")
