"""Backup and restore of everything peertrack keeps: every table, the history tables and the files.

A backup is a folder:

- `data.json`: every row of every model (`dumpdata` with natural foreign keys, so content types and
  permissions, which `migrate` recreates, are referred to by name rather than by number; times kept to
  the microsecond by the `exact_json` format);
- `media/`: a copy of MEDIA_ROOT (issued committee packs and any other stored file);
- `manifest.json`: the row count of every model, the migrations the database had, and the SHA-256 of
  `data.json` and of each file.

`backup` reads every row from one moment (a read-only REPEATABLE READ transaction on PostgreSQL; a
copy made with SQLite's backup API on SQLite), so a backup taken while people work is consistent, and
it checks that what it wrote matches the counts before it writes the manifest.

`restore` is all-or-nothing across the database and the files, and can be re-run after being killed
at any point:

1. the manifest, `data.json` and every file are checked (shape, format, schema, safe paths, hashes,
   counts) before anything changes;
2. the files are copied into a staging folder inside MEDIA_ROOT and their hashes checked again;
3. a journal naming the backup is written, then every row is loaded in one transaction;
4. the staged files are moved into place (an atomic rename each), then the staging folder and the
   journal are removed.

A re-run finds the database either empty (the load never committed: start again) or holding exactly
this backup with the journal naming it (the load committed: finish the files). Anything else is
refused and nothing is changed.

A backup made before a model moved to another app (`MOVED_MODELS`) is restored under the model's
new label.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any, ClassVar

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

FORMAT = 2
# Format 1 (before the schema list) is still read; its counts are checked against data.json.
READABLE_FORMATS = {1, 2}
# Rows `migrate` creates itself; the data refers to them by natural key.
RECREATED_BY_MIGRATE = {"contenttypes.contenttype", "auth.permission"}
# Models that moved to another app (ADR 0015), by the label a backup made before the move gives
# them. Restore reads such a backup under the new labels: its rows, its manifest's counts, and the
# content types and permissions its admin log entries and permission grants name.
MOVED_MODELS = {
    "reviews.guestaccess": "recommendations.guestaccess",
    "reviews.historicalguestaccess": "recommendations.historicalguestaccess",
}
# Where the app label sits in the natural key of a content type and of a permission.
_APP_LABEL_AT = {"contenttypes.contenttype": 0, "auth.permission": 1}
# Inside MEDIA_ROOT so that moving a staged file into place is a rename on one file system.
STAGING_DIR = ".peertrack-restore"
# Test-only: names a restore stage at which the process ends abruptly (os._exit), so the tests can
# prove that a killed restore can be re-run. Unset in any real deployment, where it does nothing.
TEST_EXIT_AT_VARIABLE = "PEERTRACK_TEST_RESTORE_EXIT_AT"
TEST_EXIT_CODE = 75
# The connection a SQLite backup reads its copy through, for the length of the backup only.
SNAPSHOT_ALIAS = "peertrack_backup_snapshot"
_SHA256 = re.compile(r"[0-9a-f]{64}")


class BackupError(Exception):
    """The backup cannot be made or restored; the message says why in plain English."""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _models() -> list[Any]:
    return [model for model in apps.get_models(include_auto_created=True)
            if model._meta.label_lower not in RECREATED_BY_MIGRATE and model._meta.managed
            and not model._meta.proxy]


def row_counts(using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Returns the number of rows of every model that a backup covers."""
    return {model._meta.label_lower: model._default_manager.using(using).count() for model in _models()}


def _files_under(root: Path) -> dict[str, str]:
    if not root.exists():
        return {}
    return {path.relative_to(root).as_posix(): sha256(path)
            for path in sorted(root.rglob("*")) if path.is_file()}


@contextlib.contextmanager
def _one_snapshot() -> Iterator[str]:
    """Yields the alias of a database connection on which every query sees the same moment.

    PostgreSQL: one read-only REPEATABLE READ transaction (the default, READ COMMITTED, gives each
    query its own snapshot, so a dump of one table after another would mix moments). SQLite: a copy
    made with SQLite's backup API, which holds a read lock only while pages are copied, so officers
    can keep saving while the rows are dumped from the copy.
    """
    if connection.vendor != "sqlite":
        if connection.in_atomic_block:
            raise BackupError("A backup must run outside any transaction so that it reads one snapshot.")
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield DEFAULT_DB_ALIAS
        return
    with tempfile.TemporaryDirectory(prefix="peertrack-backup-") as temporary:
        copy = Path(temporary) / "snapshot.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(copy)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        # A connection of this thread only, known to no setting, like Django's own _nodb_cursor.
        connections[SNAPSHOT_ALIAS] = connections[DEFAULT_DB_ALIAS].__class__(
            {**connection.settings_dict, "NAME": str(copy)}, alias=SNAPSHOT_ALIAS)
        try:
            yield SNAPSHOT_ALIAS
        finally:
            connections[SNAPSHOT_ALIAS].close()
            del connections[SNAPSHOT_ALIAS]


def _schema(using: str) -> list[str]:
    """Returns the migrations applied to the database, as sorted "app.name" strings."""
    recorder = MigrationRecorder(connections[using])
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def _clear(folder: Path) -> None:
    for entry in folder.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def backup(out: Path) -> dict[str, Any]:
    """Writes a backup folder at `out` (which must not exist or be empty) and returns its manifest.

    Every row is read in one snapshot; raises BackupError, and leaves `out` empty, when the rows
    written do not match the counts taken in that snapshot.
    """
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BackupError(f"{out} is not empty. Choose a new folder so no earlier backup is overwritten.")
    out.mkdir(parents=True, exist_ok=True)
    data = out / "data.json"
    media_root = Path(settings.MEDIA_ROOT)
    try:
        with _one_snapshot() as using:
            counts = row_counts(using)  # on PostgreSQL the first query fixes the snapshot
            schema = _schema(using)
            excluded = [f"--exclude={label}" for label in sorted(RECREATED_BY_MIGRATE)]
            # `database` as a keyword: the command line would accept only aliases from settings.
            call_command("dumpdata", "--natural-foreign", "--format", "exact_json", *excluded,
                         "--output", str(data), database=using, verbosity=0)
            # Copied after the snapshot was fixed, so every file a backed-up row names (a pack's PDF is
            # stored before its row commits) is already there.
            if media_root.exists():
                shutil.copytree(media_root, out / "media", ignore=lambda folder, names: (
                    [STAGING_DIR] if Path(folder) == media_root else []))
        written = _rows_in(data)
        differing = _differences(counts, written)
        if differing:
            raise BackupError(f"The rows written differ from the rows counted ({differing}); the backup "
                              "was not consistent and has been discarded. Run it again.")
    except BaseException:
        _clear(out)
        raise
    manifest = {
        "format": FORMAT,
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "database": connection.vendor,
        "schema": schema,
        "rows": counts,
        "data_sha256": sha256(data),
        "files": _files_under(out / "media"),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
    return manifest


def _rows_in(data: Path) -> dict[str, int]:
    """Returns the rows per model that a data.json holds, many-to-many links included.

    Raises BackupError when the file is not a dump of models this version knows.
    """
    return dict(_read_data(data)[0])


def _read_data(data: Path) -> tuple[Counter[str], dict[str, set[Any]]]:
    """Returns (rows per model label, primary keys per model label) of a data.json."""
    try:
        objects = json.loads(data.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise BackupError("data.json cannot be read as JSON: the backup is damaged.") from None
    if not isinstance(objects, list):
        raise BackupError("data.json is not a list of rows: the backup is damaged.")
    counts: Counter[str] = Counter()
    keys: dict[str, set[Any]] = {}
    for row in objects:
        if not (isinstance(row, dict) and isinstance(row.get("model"), str)
                and isinstance(row.get("fields"), dict)):
            raise BackupError("data.json holds an entry that is not a row: the backup is damaged.")
        label = _current_label(row["model"].lower())
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            raise BackupError(f"data.json holds rows of {label!r}, which this version of peertrack does "
                              "not have: the backup comes from a newer or different version.") from None
        counts[label] += 1
        try:
            keys.setdefault(label, set()).add(model._meta.pk.to_python(row.get("pk")))
        except Exception:  # noqa: BLE001 - any unreadable key is the same damage, said once
            raise BackupError(f"data.json holds a {label} row with an unreadable key: the backup is "
                              "damaged.") from None
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            if through._meta.auto_created and isinstance(row["fields"].get(field.name), list):
                counts[through._meta.label_lower] += len(row["fields"][field.name])
    return counts, keys


def _current_label(label: str) -> str:
    """Returns the label a model has now for a label a backup gives it (MOVED_MODELS)."""
    return MOVED_MODELS.get(label, label)


def _current_counts(rows: dict[str, int]) -> dict[str, int]:
    """Returns a manifest's row counts with moved models under their labels now."""
    counts: Counter[str] = Counter()
    for label, count in rows.items():
        counts[_current_label(label)] += count
    return dict(counts)


def _current_natural_key(key: Any, app_at: int) -> Any:
    """Returns a content type's or permission's natural key, naming a moved model by its app now."""
    if isinstance(key, list) and len(key) == app_at + 2 and all(isinstance(part, str) for part in key):
        moved = MOVED_MODELS.get(f"{key[app_at]}.{key[app_at + 1]}".lower())
        if moved is not None:
            return [*key[:app_at], *moved.split(".")]
    return key


def _relabel(objects: list[dict[str, Any]]) -> bool:
    """Renames moved models in a data.json's rows, in place, as MOVED_MODELS says; says whether any were.

    A row's own label changes, and so does every natural key of a content type or permission
    (an admin log entry's content type, a person's or group's permissions) naming a moved model.
    """
    changed = False
    for row in objects:
        label = _current_label(row["model"].lower())
        if label != row["model"].lower():
            row["model"], changed = label, True
        model = apps.get_model(label)
        for field in [*model._meta.fields, *model._meta.many_to_many]:
            app_at = _APP_LABEL_AT.get(field.related_model._meta.label_lower) if field.is_relation else None
            if app_at is None or field.name not in row["fields"]:
                continue
            value = row["fields"][field.name]
            if field.many_to_many and isinstance(value, list):
                current = [_current_natural_key(key, app_at) for key in value]
            else:
                current = _current_natural_key(value, app_at)
            if current != value:
                row["fields"][field.name], changed = current, True
    return changed


@contextlib.contextmanager
def _loadable(data: Path) -> Iterator[Path]:
    """Yields a data.json this version can load: `data` itself, or a copy with moved models renamed."""
    objects = json.loads(data.read_text(encoding="utf-8"))
    if not _relabel(objects):
        yield data
        return
    with tempfile.TemporaryDirectory(prefix="peertrack-restore-") as temporary:
        copy = Path(temporary) / "data.json"
        copy.write_text(json.dumps(objects), encoding="utf-8")
        yield copy


def _differences(expected: dict[str, int], found: dict[str, int]) -> dict[str, tuple[int, int]]:
    return {label: (expected.get(label, 0), found.get(label, 0))
            for label in sorted(set(expected) | set(found))
            if expected.get(label, 0) != found.get(label, 0)}


def _safe_name(name: object) -> bool:
    """Says whether a manifest file name is a plain relative path that stays inside the media folder."""
    if not isinstance(name, str) or not name or "\x00" in name or "\\" in name:
        return False
    parts = name.split("/")
    return (not PurePosixPath(name).is_absolute() and all(part not in {"", ".", ".."} for part in parts)
            and parts[0] != STAGING_DIR)


def _read_manifest(folder: Path) -> dict[str, Any]:
    """Returns the manifest once its shape, format and file names are checked."""
    path = folder / "manifest.json"
    if not folder.is_dir():
        raise BackupError(f"{folder} is not a folder: give the folder that `backup` wrote.")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{folder} has no manifest.json: it is not a peertrack backup.") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise BackupError(f"{path} is damaged (not readable JSON).") from None
    if not isinstance(manifest, dict):
        raise BackupError(f"{path} is damaged (not a manifest).")
    version = manifest.get("format")
    if type(version) is not int or version not in READABLE_FORMATS:
        raise BackupError(f"This backup has format {version!r}; this version of peertrack reads "
                          f"{', '.join(map(str, sorted(READABLE_FORMATS)))}.")
    rows, files, data_hash = manifest.get("rows"), manifest.get("files"), manifest.get("data_sha256")
    if not (isinstance(rows, dict) and all(isinstance(label, str) and type(count) is int and count >= 0
                                           for label, count in rows.items())):
        raise BackupError(f"{path} is damaged: its row counts are missing or not whole numbers.")
    manifest["rows"] = _current_counts(rows)
    if not (isinstance(data_hash, str) and _SHA256.fullmatch(data_hash)):
        raise BackupError(f"{path} is damaged: the checksum of data.json is missing or malformed.")
    if not (isinstance(files, dict) and all(isinstance(digest, str) and _SHA256.fullmatch(digest)
                                            for digest in files.values())):
        raise BackupError(f"{path} is damaged: its list of files is missing or has malformed checksums.")
    unsafe = [name for name in files if not _safe_name(name)]
    if unsafe:
        raise BackupError(f"{path} names a file outside the backup's media folder ({unsafe[0]!r}); "
                          "refusing it.")
    schema = manifest.get("schema", [])
    if version >= 2 and not (isinstance(manifest.get("schema"), list)
                             and all(isinstance(item, str) for item in schema)):
        raise BackupError(f"{path} is damaged: its list of migrations is missing.")
    known = {f"{app}.{name}" for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations}
    unknown = [item for item in schema if item not in known]
    if unknown:
        raise BackupError(f"This backup comes from a newer or different version of peertrack: its database "
                          f"had {len(unknown)} migration(s) this version does not have (first: "
                          f"{unknown[0]}). Restore it with that version.")
    return manifest


def verify(folder: Path) -> dict[str, Any]:
    """Returns the manifest after checking its shape, every hash, and data.json's rows against it.

    Reads only; raises BackupError on any mismatch.
    """
    return _verified(folder)[0]


def _verified(folder: Path) -> tuple[dict[str, Any], dict[str, set[Any]]]:
    """Returns the checked manifest and the primary keys of data.json's rows per model."""
    manifest = _read_manifest(folder)
    data = folder / "data.json"
    if not data.is_file() or sha256(data) != manifest["data_sha256"]:
        raise BackupError("data.json is missing or does not match its checksum: the backup is damaged.")
    media = folder / "media"
    for name in manifest["files"]:
        source = media / name
        if source.is_symlink() or (source.exists() and not source.resolve().is_relative_to(media.resolve())):
            raise BackupError(f"The backup's file {name!r} is a link to somewhere else; refusing it.")
    found = _files_under(media)
    if found != manifest["files"]:
        missing = sorted(set(manifest["files"]) - set(found))
        extra = sorted(set(found) - set(manifest["files"]))
        changed = sorted(name for name in set(found) & set(manifest["files"])
                         if found[name] != manifest["files"][name])
        raise BackupError(f"The backup's files do not match its manifest (missing: {missing or 'none'}; "
                          f"changed: {changed or 'none'}; not listed: {extra or 'none'}).")
    counts, keys = _read_data(data)
    differing = _differences(manifest["rows"], dict(counts))
    if differing:
        raise BackupError(f"data.json does not hold the rows its manifest counts ({differing}): the backup "
                          "is not consistent and cannot be restored.")
    return manifest, keys


def _exit_here_in_tests(stage: str) -> None:
    """Ends the process at once when the test-only variable names this stage; otherwise does nothing."""
    if os.environ.get(TEST_EXIT_AT_VARIABLE) == stage:
        os._exit(TEST_EXIT_CODE)


def _occupied() -> dict[str, int]:
    """Returns the rows held by each backed-up table that exists, leaving out empty tables."""
    existing = set(connection.introspection.table_names())
    counts = {model._meta.label_lower: model._default_manager.count() for model in _models()
              if model._meta.db_table in existing}
    return {label: count for label, count in counts.items() if count}


def _holds_exactly(manifest: dict[str, Any], keys: dict[str, set[Any]]) -> bool:
    """Says whether the database holds this backup's rows: every count and every primary key."""
    if row_counts() != manifest["rows"]:
        return False
    return all(set(apps.get_model(label)._default_manager.values_list("pk", flat=True)) == expected
               for label, expected in keys.items())


def _write_journal(path: Path, content: dict[str, Any]) -> None:
    """Writes the journal so it is either the old or the new file, never half of one, even on power loss."""
    temporary = path.with_suffix(".tmp")
    with temporary.open("w", encoding="utf-8") as handle:
        json.dump(content, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def _read_journal(path: Path) -> dict[str, Any] | None:
    try:
        journal = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    return journal if isinstance(journal, dict) else None


def _stage(folder: Path, manifest: dict[str, Any], staging: Path) -> None:
    """Copies every file of the backup into `staging`, checking each file's hash as it is copied."""
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    for name, expected in manifest["files"].items():
        target = staging / name
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        with (folder / "media" / name).open("rb") as source, target.open("xb") as copy:
            for chunk in iter(lambda: source.read(1 << 20), b""):
                digest.update(chunk)
                copy.write(chunk)
            copy.flush()
            os.fsync(copy.fileno())
        if digest.hexdigest() != expected:
            raise BackupError(f"The backup's file {name!r} changed while it was being copied; nothing was "
                              "changed. Check the backup and restore again.")


def _load(folder: Path, manifest: dict[str, Any]) -> None:
    """Loads every row in one transaction; raises BackupError, with nothing loaded, on any failure."""
    with transaction.atomic():
        try:
            with _loadable(folder / "data.json") as data:
                call_command("loaddata", str(data), format="exact_json", verbosity=0)
        except Exception as error:  # noqa: BLE001 - any load failure rolls back and is reported in one line
            raise BackupError(f"The rows of data.json could not be loaded ({last_line(error)[:300]}); the database was "
                              "left unchanged.") from None
        differing = _differences(manifest["rows"], row_counts())
        if differing:
            raise BackupError(f"Row counts after loading differ from the backup: {differing}. "
                              "The database was left unchanged.")
        _exit_here_in_tests("rows-loaded")


def restore(folder: Path) -> dict[str, Any]:
    """Restores a verified backup into an empty database and MEDIA_ROOT and returns its manifest.

    Also finishes a restore of the same backup that was interrupted after its rows were committed.
    """
    manifest, keys = _verified(folder)
    media_root = Path(settings.MEDIA_ROOT)
    work = media_root / STAGING_DIR
    staging, journal_path = work / "files", work / "journal.json"
    journal = _read_journal(journal_path)
    occupied = _occupied()
    resuming = False
    if occupied:
        this_backup = journal is not None and journal.get("backup") == manifest["data_sha256"]
        if this_backup and _holds_exactly(manifest, keys):
            resuming = True  # the rows of this backup were committed; the files still need moving
        elif this_backup:
            raise BackupError("A restore of this backup was interrupted, but the database now holds other "
                              "data as well; nothing was changed. Empty the database and restore again.")
        elif journal:
            raise BackupError(f"The database holds data and an interrupted restore of another backup (made "
                              f"{journal.get('created_at', 'at an unknown time')}) is unfinished. Re-run "
                              "that restore; nothing was changed.")
        else:
            raise BackupError("The database already holds data (" + ", ".join(
                f"{count} {label}" for label, count in sorted(occupied.items())[:5])
                + "). Restore only into an empty database; nothing was changed.")
    clashes = [name for name, digest in manifest["files"].items()
               if (media_root / name).exists()
               and (not (media_root / name).is_file() or sha256(media_root / name) != digest)]
    if clashes:
        raise BackupError(f"MEDIA_ROOT already holds different files with these names: {clashes[:5]}. "
                          "Nothing was changed.")
    try:
        _stage(folder, manifest, staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if not journal:
            shutil.rmtree(work, ignore_errors=True)
        raise
    _exit_here_in_tests("files-staged")
    if not resuming:
        try:
            call_command("migrate", verbosity=0, interactive=False)
            _write_journal(journal_path, {"backup": manifest["data_sha256"],
                                          "created_at": manifest.get("created_at")})
            _load(folder, manifest)
        except BackupError:
            shutil.rmtree(work, ignore_errors=True)  # nothing was loaded: leave no trace
            raise
        _exit_here_in_tests("database-committed")
    for name, digest in manifest["files"].items():
        target = media_root / name
        if target.is_file() and sha256(target) == digest:
            continue  # moved by an earlier, interrupted run
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / name, target)
        _exit_here_in_tests("file-moved")
    if _files_under_named(media_root, manifest["files"]) != manifest["files"]:
        raise BackupError("Restored files do not match their checksums; check the disk and restore again.")
    shutil.rmtree(work)
    return manifest


def _files_under_named(root: Path, names: dict[str, str]) -> dict[str, str]:
    return {name: sha256(root / name) for name in names if (root / name).is_file()}


def last_line(error: Exception) -> str:
    """Returns the last line of a database or file error: the part that says what went wrong."""
    lines = str(error).strip().splitlines()
    return lines[-1] if lines else type(error).__name__


class FolderCommand(BaseCommand):
    """`manage.py backup` or `restore`: does `run(folder)` and writes the line it returns.

    What can go wrong becomes a CommandError saying so in plain English: a BackupError as it is, a
    file error as `files_failed`, a database error as `database_failed` (each formatted with the
    `problem` and the `folder`).
    """

    files_failed: ClassVar[str]
    database_failed: ClassVar[str]

    def run(self, folder: Path) -> str:
        raise NotImplementedError

    def handle(self, *args: Any, folder: Path, **options: Any) -> None:
        try:
            done = self.run(folder)
        except BackupError as error:
            raise CommandError(str(error)) from error
        except OSError as error:
            problem = f"{error.strerror or error}: {error.filename or folder}"
            raise CommandError(self.files_failed.format(problem=problem, folder=folder)) from error
        except DatabaseError as error:
            raise CommandError(self.database_failed.format(problem=last_line(error), folder=folder)) from error
        self.stdout.write(done)
