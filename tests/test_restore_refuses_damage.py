"""A damaged or edited backup gets one plain line, a non-zero exit and no change to anything."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from peertrack.backup import row_counts
from tests import factories

ROOT = Path(__file__).resolve().parent.parent
Damage = Callable[[Path], None]


def _edit_manifest(change: Callable[[dict[str, Any]], None]) -> Damage:
    def damage(folder: Path) -> None:
        manifest = json.loads((folder / "manifest.json").read_text())
        change(manifest)
        (folder / "manifest.json").write_text(json.dumps(manifest))
    return damage


def _truncate(folder: Path) -> None:
    text = (folder / "manifest.json").read_text()
    (folder / "manifest.json").write_text(text[: len(text) // 2])


def _not_utf8(folder: Path) -> None:
    (folder / "manifest.json").write_bytes(b'{"format": 2, "note": "\xff\xfe"}')


def _a_list(folder: Path) -> None:
    (folder / "manifest.json").write_text("[]")


def _delete_file(folder: Path) -> None:
    (folder / "media" / "packs" / "pack.pdf").unlink()


def _link_file_outside(folder: Path) -> None:
    secret = folder.parent / "secret.txt"
    secret.write_bytes(b"not part of any backup")
    pack = folder / "media" / "packs" / "pack.pdf"
    pack.unlink()
    pack.symlink_to(secret)
    _edit_manifest(lambda m: m["files"].update({"packs/pack.pdf": hashlib.sha256(
        secret.read_bytes()).hexdigest()}))(folder)


def _row_of_a_newer_model(folder: Path) -> None:
    """Edits data.json (and, as someone covering their tracks would, its checksum)."""
    rows = json.loads((folder / "data.json").read_text())
    rows.append({"model": "recommendations.futurething", "pk": 1, "fields": {}})
    (folder / "data.json").write_text(json.dumps(rows))
    digest = hashlib.sha256((folder / "data.json").read_bytes()).hexdigest()
    _edit_manifest(lambda m: m.update(data_sha256=digest))(folder)


def _row_with_a_bad_value(folder: Path) -> None:
    rows = json.loads((folder / "data.json").read_text())
    council = next(row for row in rows if row["model"] == "recommendations.council")
    council["fields"]["name"] = None  # NOT NULL
    (folder / "data.json").write_text(json.dumps(rows))
    digest = hashlib.sha256((folder / "data.json").read_bytes()).hexdigest()
    _edit_manifest(lambda m: m.update(data_sha256=digest))(folder)


DAMAGES: dict[str, tuple[Damage, str]] = {
    "truncated manifest": (_truncate, "manifest.json is damaged"),
    "manifest not UTF-8": (_not_utf8, "manifest.json is damaged"),
    "manifest not an object": (_a_list, "not a manifest"),
    "manifest without row counts": (_edit_manifest(lambda m: m.pop("rows")), "row counts are missing"),
    "row count edited": (_edit_manifest(lambda m: m["rows"].update({"recommendations.council": 7})),
                         "does not hold the rows its manifest counts"),
    "wrong hash of data.json": (_edit_manifest(lambda m: m.update(data_sha256="0" * 64)),
                                "does not match its checksum"),
    "malformed hash of a file": (_edit_manifest(lambda m: m["files"].update({"packs/pack.pdf": "abc"})),
                                 "malformed checksums"),
    "missing file": (_delete_file, "missing: ['packs/pack.pdf']"),
    "path outside the backup": (_edit_manifest(lambda m: m["files"].update({"../../etc/passwd": "0" * 64})),
                                "outside the backup's media folder ('../../etc/passwd')"),
    "absolute path": (_edit_manifest(lambda m: m["files"].update({"/etc/passwd": "0" * 64})),
                      "outside the backup's media folder"),
    "file linked outside the backup": (_link_file_outside, "is a link to somewhere else"),
    "newer format": (_edit_manifest(lambda m: m.update(format=99)), "has format 99"),
    "newer schema": (_edit_manifest(lambda m: m["schema"].append("recommendations.9999_from_the_future")),
                     "newer or different version of peertrack"),
    "rows of a model this version lacks": (_row_of_a_newer_model, "newer or different version"),
    "row that breaks a constraint": (_row_with_a_bad_value, "could not be loaded"),
}


def _media_listing(media: Path) -> dict[str, bytes]:
    if not media.exists():
        return {}
    return {str(path.relative_to(media)): path.read_bytes() for path in media.rglob("*") if path.is_file()}


@pytest.fixture
def emptied_after_backup(tmp_path: Path, settings: Any, northtown: Any, bob: Any) -> Path:
    """Returns a backup of Northtown with one pack, leaving the database and MEDIA_ROOT empty."""
    settings.MEDIA_ROOT = tmp_path / "media"
    challenge = factories.make_challenge(council=northtown)
    factories.make_action(recommendation=factories.make_recommendation(challenge=challenge), lead_officer=bob)
    default_storage.save("packs/pack.pdf", ContentFile(b"%PDF-1.7 issued"))
    folder = tmp_path / "backup"
    call_command("backup", "--out", str(folder))
    call_command("flush", interactive=False, verbosity=0)
    (tmp_path / "media" / "packs" / "pack.pdf").unlink()
    return folder


@pytest.mark.parametrize("damage", DAMAGES, ids=list(DAMAGES))
@pytest.mark.django_db(transaction=True)
def test_restore_of_a_damaged_backup_says_why_in_one_line_and_changes_nothing(
        emptied_after_backup: Path, settings: Any, damage: str) -> None:
    change, message = DAMAGES[damage]
    change(emptied_after_backup)
    media = Path(settings.MEDIA_ROOT)
    before = (row_counts(), _media_listing(media))

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(emptied_after_backup))

    assert message in str(refused.value)
    assert "\n" not in str(refused.value)
    assert (row_counts(), _media_listing(media)) == before
    assert not any(before[0].values())


@pytest.mark.django_db(transaction=True)
def test_the_restore_command_answers_a_damaged_backup_without_a_traceback(
        emptied_after_backup: Path, tmp_path: Path) -> None:
    _not_utf8(emptied_after_backup)
    target = tmp_path / "never-created.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{target}", "PEERTRACK_MEDIA_ROOT": str(tmp_path / "m")}

    result = subprocess.run([sys.executable, "manage.py", "restore", str(emptied_after_backup)],  # noqa: S603
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)

    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"CommandError: {emptied_after_backup / 'manifest.json'} is damaged (not readable JSON)."]
    assert not target.exists()
    assert not (tmp_path / "m").exists()
