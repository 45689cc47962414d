"""A backup taken while people work is one consistent moment, and it restores whole."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection, models, transaction
from simple_history.models import registered_models

import peertrack.backup
import peertrack.exact_json
from peertrack.backup import row_counts
from recommendations.models import Action, ProgressUpdate, Recommendation
from recommendations.periods import ReportingPeriod
from recommendations.rag import Rag
from tests import factories

# The dump waits at its start until the writers have committed this many more updates, so that
# writes land between the first read of the backup and the last on every run, not just by luck.
WRITES_DURING_BACKUP = 40


class Writers:
    """Officers posting progress updates (and coordinators adding actions) on their own connections."""

    def __init__(self, *, recommendation: Recommendation, officer: Any) -> None:
        self.recommendation_id, self.officer_id = recommendation.pk, officer.pk
        self.written = 0
        self.errors: list[BaseException] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        # The test's in-memory SQLite database locks whole tables between connections without waiting,
        # so two writers there would fail each other; PostgreSQL takes several.
        self.threads = 4 if connection.vendor == "postgresql" else 1
        self._threads = [threading.Thread(target=self._run, args=(n,), daemon=True)
                         for n in range(self.threads)]

    def __enter__(self) -> Writers:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def count(self) -> int:
        with self._lock:
            return self.written

    def _write(self, n: int, i: int, *, recommendation: Recommendation, officer: Any) -> None:
        # Every third write is on a brand-new action, so an update can point at an action that a
        # dump made table by table would not have seen. Each write commits whole (the action, its
        # update and their history rows), as a request must for the history check below to hold.
        with transaction.atomic():
            if i % 3 == 0:
                action = factories.make_action(recommendation=recommendation, reference=f"W{n}.{i}",
                                               lead_officer=officer, status=Action.Status.NOT_STARTED)
            else:
                found = Action.objects.filter(recommendation=recommendation).order_by("?").first()
                assert found is not None
                action = found
            action.record_progress(rag=Rag.AMBER if i % 2 else Rag.GREEN, period=ReportingPeriod(2024, 3),
                                   narrative=f"Writer {n}, update {i}.", by=officer)

    def _run(self, n: int) -> None:
        try:
            officer = get_user_model().objects.get(pk=self.officer_id)
            recommendation = Recommendation.objects.get(pk=self.recommendation_id)
            i = 0
            while not self._stop.is_set():
                try:
                    self._write(n, i, recommendation=recommendation, officer=officer)
                except OperationalError as error:
                    # The in-memory test database answers "table is locked" at once where a real
                    # SQLite file waits (settings give it a 20 s timeout): wait here instead.
                    if connection.vendor != "sqlite" or "locked" not in str(error):
                        raise
                    time.sleep(0.01)
                    continue
                with self._lock:
                    self.written += 1
                i += 1
        except BaseException as error:  # noqa: BLE001 - reported by the test, not lost in a thread
            self.errors.append(error)
        finally:
            connection.close()


def _wait_for(condition: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)


@pytest.fixture
def dump_waits_for_writers(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Writers]]:
    """Makes the dump, once it has started, wait until the writers have committed more updates."""
    writers: list[Writers] = []
    original = peertrack.exact_json.Serializer.start_serialization

    def start_serialization(self: Any) -> None:
        if writers:
            target = writers[0].count() + WRITES_DURING_BACKUP
            _wait_for(lambda: writers[0].count() >= target, seconds=20)
        original(self)

    monkeypatch.setattr(peertrack.exact_json.Serializer, "start_serialization", start_serialization)
    yield writers


def _dangling_references() -> list[str]:
    """Returns every foreign key value, history tables included, whose target row is missing."""
    dangling = []
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.ForeignKey):
                continue
            related: Any = field.related_model
            target = related._default_manager.values(field.target_field.attname)
            missing = (model._default_manager.filter(**{f"{field.attname}__isnull": False})
                       .exclude(**{f"{field.attname}__in": target}).count())
            if missing:
                dangling.append(f"{missing} {model._meta.label}.{field.name}")
    return dangling


def _history_disagreements() -> list[str]:
    """Returns the rows whose history does not match them: a row without history, history of no row,
    or an action whose latest history differs from its status and version."""
    problems = []
    for model in {m for m in registered_models.values() if not m._meta.auto_created}:
        live = set(model._default_manager.values_list("pk", flat=True))
        recorded = set(model.history.values_list(model._meta.pk.attname, flat=True))
        if live != recorded:
            problems.append(f"{model._meta.label}: {len(live - recorded)} rows without history, "
                            f"{len(recorded - live)} histories without a row")
    for action in Action.objects.all():
        latest = action.history.order_by("-history_date", "-history_id").first()
        if latest is None or (latest.status, latest.version) != (action.status, action.version):
            problems.append(f"action {action.pk}: {action.status} v{action.version}, history says "
                            f"{latest and (latest.status, latest.version)}")
    return problems


@pytest.mark.django_db(transaction=True)
def test_a_backup_taken_while_officers_post_updates_restores_whole(
        tmp_path: Path, media_root: Path, northtown: Any, bob: Any,
        dump_waits_for_writers: list[Writers]) -> None:
    challenge = factories.make_challenge(council=northtown)
    recommendation = factories.make_recommendation(challenge=challenge)
    for n in range(30):
        action = factories.make_action(recommendation=recommendation, reference=f"1.{n}", lead_officer=bob,
                                       status=Action.Status.NOT_STARTED)
        action.record_progress(rag=Rag.GREEN, period=ReportingPeriod(2024, 2), narrative="Started.", by=bob)
    folder = tmp_path / "backup"

    with Writers(recommendation=recommendation, officer=bob) as writers:
        _wait_for(lambda: writers.count() >= 10, seconds=20)
        dump_waits_for_writers.append(writers)
        before = writers.count()
        call_command("backup", "--out", str(folder))
        during = writers.count() - before
    assert not writers.errors, writers.errors
    manifest = peertrack.backup.verify(folder)
    backed_up = sum(manifest["rows"].values())
    print(f"\nbackup under load: {backed_up} rows backed up, {manifest['rows']['recommendations.progressupdate']}"
          f" progress updates, {during} updates committed by {writers.threads} writers during the backup")
    assert during >= WRITES_DURING_BACKUP
    assert ProgressUpdate.objects.count() > manifest["rows"]["recommendations.progressupdate"]

    call_command("flush", interactive=False, verbosity=0)
    call_command("restore", str(folder))

    assert row_counts() == manifest["rows"]
    assert _dangling_references() == []
    assert _history_disagreements() == []
    print(f"restore verified: {sum(row_counts().values())} rows, every foreign key and history row "
          "consistent")


@pytest.mark.django_db(transaction=True)
def test_backup_discards_its_output_when_the_rows_it_wrote_differ_from_its_counts(
        tmp_path: Path, media_root: Path, bob: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    counted = peertrack.backup.row_counts

    def one_update_too_many(using: str = "default") -> dict[str, int]:
        counts = counted(using)
        counts["recommendations.progressupdate"] += 1  # as if an update committed between two reads
        return counts

    monkeypatch.setattr(peertrack.backup, "row_counts", one_update_too_many)
    folder = tmp_path / "backup"
    with pytest.raises(CommandError, match="was not consistent and has been discarded"):
        call_command("backup", "--out", str(folder))
    assert list(folder.iterdir()) == []
