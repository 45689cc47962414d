"""A restore is all or nothing: killed at any stage, running it again ends with everything restored.

Each test runs the real `manage.py restore` in a child process, which a test-only variable
(peertrack.backup.TEST_EXIT_AT_VARIABLE) makes end abruptly (os._exit) at a named stage, then runs
it again and compares what the target database and MEDIA_ROOT hold with the backup.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

import peertrack.backup
from peertrack.backup import STAGING_DIR, TEST_EXIT_AT_VARIABLE, TEST_EXIT_CODE, sha256
from recommendations.models import Action
from recommendations.periods import ReportingPeriod
from recommendations.rag import Rag
from tests import factories

ROOT = Path(__file__).resolve().parent.parent
STAGES = ["files-staged", "rows-loaded", "database-committed", "file-moved"]
FILES = {"packs/2024/scrutiny-pack.pdf": b"%PDF-1.7 issued pack", "packs/2025/cabinet-pack.pdf": b"%PDF-1.7 2"}


@pytest.fixture
def backup_folder(tmp_path: Path, settings: Any, northtown: Any, alice: Any, bob: Any) -> Path:
    """Returns a backup of a small plan with updates, history and two issued packs."""
    settings.MEDIA_ROOT = tmp_path / "source-media"
    challenge = factories.make_challenge(council=northtown)
    recommendation = factories.make_recommendation(challenge=challenge)
    for n in range(3):
        action = factories.make_action(recommendation=recommendation, lead_officer=bob,
                                       status=Action.Status.NOT_STARTED)
        action.record_progress(rag=Rag.AMBER, period=ReportingPeriod(2024, 3), narrative=f"Update {n}.", by=bob)
    for name, content in FILES.items():
        default_storage.save(name, ContentFile(content))
    folder = tmp_path / "backup"
    call_command("backup", "--out", str(folder))
    return folder


def manage(*args: str, database_url: str, media: Path, exit_at: str | None = None,
           ) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "PEERTRACK_MEDIA_ROOT": str(media)}
    env.pop(TEST_EXIT_AT_VARIABLE, None)
    if exit_at:
        env[TEST_EXIT_AT_VARIABLE] = exit_at
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,  # noqa: S603
                          capture_output=True, text=True, timeout=300, check=False)


def _normalised(objects: list[dict[str, Any]]) -> list[str]:
    """Returns the rows as sorted strings, many-to-many lists sorted, so order does not matter."""
    rows = []
    for row in objects:
        fields = {name: sorted(value, key=repr) if isinstance(value, list) else value
                  for name, value in row["fields"].items()}
        rows.append(json.dumps({"model": row["model"], "pk": row["pk"], "fields": fields}, sort_keys=True))
    return sorted(rows)


def assert_completely_restored(folder: Path, *, database_url: str, media: Path) -> None:
    dumped = manage("dumpdata", "--natural-foreign", "--format", "exact_json",
                    "--exclude=contenttypes.contenttype", "--exclude=auth.permission",
                    database_url=database_url, media=media)
    assert dumped.returncode == 0, dumped.stderr
    backed_up = json.loads((folder / "data.json").read_text())
    assert _normalised(json.loads(dumped.stdout)) == _normalised(backed_up)
    assert {name: (media / name).read_bytes() for name in FILES} == FILES
    manifest = json.loads((folder / "manifest.json").read_text())
    assert {name: sha256(media / name) for name in manifest["files"]} == manifest["files"]
    assert not (media / STAGING_DIR).exists()


def kill_then_rerun(folder: Path, stage: str, *, database_url: str, media: Path) -> None:
    killed = manage("restore", str(folder), database_url=database_url, media=media, exit_at=stage)
    assert killed.returncode == TEST_EXIT_CODE, (killed.stdout, killed.stderr)
    if stage in {"database-committed", "file-moved"}:
        # The rows are in and at least one file is not: the state the old restore could not leave.
        assert not all((media / name).exists() for name in FILES)

    rerun = manage("restore", str(folder), database_url=database_url, media=media)

    assert rerun.returncode == 0, rerun.stderr
    assert "every count and checksum matches" in rerun.stdout
    assert_completely_restored(folder, database_url=database_url, media=media)


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """Returns an empty, migrated SQLite database file, made once: migrating takes seconds."""
    path = tmp_path_factory.mktemp("template") / "empty.sqlite3"
    migrated = manage("migrate", database_url=f"sqlite:///{path}", media=path.parent / "media")
    assert migrated.returncode == 0, migrated.stderr
    return path.read_bytes()


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.django_db(transaction=True)
def test_a_restore_into_sqlite_killed_at_any_stage_completes_when_run_again(
        backup_folder: Path, tmp_path: Path, migrated_sqlite: bytes, stage: str) -> None:
    target = tmp_path / "restored.sqlite3"
    target.write_bytes(migrated_sqlite)
    kill_then_rerun(backup_folder, stage, database_url=f"sqlite:///{target}", media=tmp_path / "restored-media")


@pytest.fixture
def postgres_target() -> Iterator[str]:
    """Returns the URL of a new, empty PostgreSQL database beside the test database; drops it after."""
    settings = connection.settings_dict
    name = f"{settings['NAME']}_restored"
    admin = {"host": settings["HOST"] or "127.0.0.1", "port": settings["PORT"] or 5432,
             "user": settings["USER"], "password": settings["PASSWORD"] or None, "dbname": "postgres"}
    with psycopg.connect(**admin, autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}"')
        server.execute(f'CREATE DATABASE "{name}"')
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    yield f"postgres://{settings['USER']}{password}@{admin['host']}:{admin['port']}/{name}"
    with psycopg.connect(**admin, autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.django_db(transaction=True)
def test_a_restore_into_postgresql_killed_at_any_stage_completes_when_run_again(
        backup_folder: Path, tmp_path: Path, postgres_target: str, stage: str) -> None:
    kill_then_rerun(backup_folder, stage, database_url=postgres_target, media=tmp_path / "restored-media")


@pytest.mark.django_db(transaction=True)
def test_a_restore_that_finished_refuses_to_run_over_itself(backup_folder: Path, tmp_path: Path) -> None:
    # A new database file: restore migrates it first.
    target, media = f"sqlite:///{tmp_path / 'restored.sqlite3'}", tmp_path / "restored-media"
    assert manage("restore", str(backup_folder), database_url=target, media=media).returncode == 0

    again = manage("restore", str(backup_folder), database_url=target, media=media)

    assert again.returncode == 1
    assert again.stderr.strip().splitlines() == [again.stderr.strip()]
    assert "already holds data" in again.stderr
    assert_completely_restored(backup_folder, database_url=target, media=media)


class Interrupted(BaseException):
    """Stands in for a kill, in this process, at a stage of the restore."""


@pytest.mark.django_db(transaction=True)
def test_an_interrupted_restore_is_not_finished_over_rows_written_since(
        backup_folder: Path, tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch,
        northtown: Any) -> None:
    call_command("flush", interactive=False, verbosity=0)
    settings.MEDIA_ROOT = tmp_path / "restored-media"

    def interrupt(stage: str) -> None:
        if stage == "database-committed":
            raise Interrupted(stage)

    monkeypatch.setattr(peertrack.backup, "_exit_here_in_tests", interrupt)
    with pytest.raises(Interrupted):
        call_command("restore", str(backup_folder))
    monkeypatch.undo()
    factories.make_council(name="Written since")
    rows = peertrack.backup.row_counts()

    with pytest.raises(CommandError, match="now holds other data as well; nothing was changed"):
        call_command("restore", str(backup_folder))

    assert peertrack.backup.row_counts() == rows
    assert not any((settings.MEDIA_ROOT / name).exists() for name in FILES)
