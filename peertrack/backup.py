"""Backup and restore of everything peertrack keeps: every table, the history tables and the files.

A backup is a folder:

- `data.json`: every row of every model (`dumpdata` with natural foreign keys, so content types and
  permissions, which `migrate` recreates, are referred to by name rather than by number; times kept to
  the microsecond by the `exact_json` format);
- `media/`: a copy of MEDIA_ROOT (issued committee packs and any other stored file);
- `manifest.json`: the row count of every model, and the SHA-256 of `data.json` and of each file.

Restore checks the manifest before touching anything, refuses a database that already holds data,
loads every row in one transaction, copies the files, and checks the counts and hashes again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction

FORMAT = 1
# Rows `migrate` creates itself; the data refers to them by natural key.
RECREATED_BY_MIGRATE = {"contenttypes.contenttype", "auth.permission"}


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


def row_counts() -> dict[str, int]:
    """Returns the number of rows of every model that a backup covers."""
    return {model._meta.label_lower: model._default_manager.count() for model in _models()}


def _files_under(root: Path) -> dict[str, str]:
    if not root.exists():
        return {}
    return {str(path.relative_to(root)): sha256(path) for path in sorted(root.rglob("*")) if path.is_file()}


def backup(out: Path) -> dict[str, Any]:
    """Writes a backup folder at `out` (which must not exist or be empty) and returns its manifest."""
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"{out} is not empty. Choose a new folder so no earlier backup is overwritten.")
    out.mkdir(parents=True, exist_ok=True)
    data = out / "data.json"
    with transaction.atomic():  # one consistent view of the rows and their counts
        counts = row_counts()
        excluded = [f"--exclude={label}" for label in sorted(RECREATED_BY_MIGRATE)]
        call_command("dumpdata", "--natural-foreign", "--format", "exact_json", *excluded,
                     "--output", str(data), verbosity=0)
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.exists():
        shutil.copytree(media_root, out / "media")
    manifest = {
        "format": FORMAT,
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "database": connection.vendor,
        "rows": counts,
        "data_sha256": sha256(data),
        "files": _files_under(out / "media"),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
    return manifest


def _read_manifest(folder: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{folder} has no manifest.json: it is not a peertrack backup.") from None
    except json.JSONDecodeError:
        raise BackupError(f"{folder}/manifest.json is damaged (not valid JSON).") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"This backup has format {manifest.get('format')!r}; this version reads {FORMAT}.")
    return manifest


def verify(folder: Path) -> dict[str, Any]:
    """Returns the manifest after checking every hash in it; raises BackupError on any mismatch."""
    manifest = _read_manifest(folder)
    data = folder / "data.json"
    if not data.exists() or sha256(data) != manifest["data_sha256"]:
        raise BackupError("data.json is missing or does not match its checksum: the backup is damaged.")
    found = _files_under(folder / "media")
    if found != manifest["files"]:
        missing = sorted(set(manifest["files"]) - set(found))
        changed = sorted(name for name in set(found) & set(manifest["files"])
                         if found[name] != manifest["files"][name])
        raise BackupError(f"The backup's files do not match its manifest (missing: {missing or 'none'}; "
                          f"changed: {changed or 'none'}).")
    return manifest


def restore(folder: Path) -> dict[str, Any]:
    """Restores a verified backup into an empty, migrated database and returns its manifest."""
    manifest = verify(folder)
    call_command("migrate", verbosity=0, interactive=False)
    occupied = {label: count for label, count in row_counts().items() if count}
    if occupied:
        raise BackupError("The database already holds data (" + ", ".join(
            f"{count} {label}" for label, count in sorted(occupied.items())[:5])
            + "). Restore only into an empty database; nothing was changed.")
    media_root = Path(settings.MEDIA_ROOT)
    clashes = [name for name in manifest["files"] if (media_root / name).exists()
               and sha256(media_root / name) != manifest["files"][name]]
    if clashes:
        raise BackupError(f"MEDIA_ROOT already holds different files with these names: {clashes[:5]}. "
                          "Nothing was changed.")
    with transaction.atomic():
        call_command("loaddata", str(folder / "data.json"), format="exact_json", verbosity=0)
        counts = row_counts()
        if counts != manifest["rows"]:
            differing = {label: (manifest["rows"].get(label), counts.get(label))
                         for label in set(counts) | set(manifest["rows"])
                         if counts.get(label) != manifest["rows"].get(label)}
            raise BackupError(f"Row counts after loading differ from the backup: {differing}. "
                              "The database was left unchanged.")
    for name in manifest["files"]:
        target = media_root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(folder / "media" / name, target)
    if {name: sha256(media_root / name) for name in manifest["files"]} != manifest["files"]:
        raise BackupError("Copied files do not match their checksums; check the disk and restore again.")
    return manifest
