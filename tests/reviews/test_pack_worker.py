"""Previews and issues run on the real task queue: queued in the database by one process, made by
`manage.py db_worker` (the worker `make demo` and `make serve` start) in another."""

from __future__ import annotations

import os
import subprocess  # nosec B404: runs this project's own manage.py
import sys
from pathlib import Path

from tests.test_task_worker import _scratch_database

ROOT = Path(__file__).resolve().parents[2]

SETUP = """
import datetime as dt
from recommendations.models import Council, Membership, PeerChallenge, Recommendation
from django.contrib.auth import get_user_model
from reviews.models import starter_report, PackJob
from reviews.packs.services import request_job
council = Council.objects.create(name="Workertown Council", slug="workertown")
user = get_user_model().objects.create_user(username="coord", first_name="Cora", last_name="Ord")
Membership.objects.create(user=user, council=council, role="coordinator")
challenge = PeerChallenge.objects.create(council=council, slug="workertown-2024", title="CPC 2024",
    onsite_start=dt.date(2024, 1, 15), onsite_end=dt.date(2024, 1, 18))
Recommendation.objects.create(challenge=challenge, number=1, title="Masterplan", text="Do it.")
report = starter_report(challenge=challenge, author=user, today=dt.date(2024, 10, 2))
report.save()
preview = request_job(report=report, kind="preview", by=user)
issue = request_job(report=report, kind="issue", by=user, packs_seen=0)
print(preview.pk, issue.pk)
"""

CHECK = """
from reviews.models import PackJob, IssuedPack
import hashlib
for job in PackJob.objects.order_by("pk"):
    print(job.kind, job.status, bool(job.preview), job.pack_id is not None)
pack = IssuedPack.objects.get()
print(hashlib.sha256(pack.file.read()).hexdigest() == pack.sha256,
      hashlib.sha256(pack.docx.read()).hexdigest() == pack.docx_sha256)
"""


def _manage(database_url: str, media: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "DATABASE_URL": database_url, "DJANGO_DEBUG": "1", "PEERTRACK_MEDIA_ROOT": str(media)}
    environment.pop("PEERTRACK_TASKS_IMMEDIATE", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,  # nosec B603
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_a_preview_and_an_issue_are_made_by_the_worker_process(tmp_path):
    database_url, drop = _scratch_database(tmp_path)
    media = tmp_path / "media"
    try:
        migrated = _manage(database_url, media, "migrate", "--noinput")
        assert migrated.returncode == 0, migrated.stderr
        queued = _manage(database_url, media, "shell", "--no-imports", "-c", SETUP)
        assert queued.returncode == 0, queued.stderr
        before = _manage(
            database_url,
            media,
            "shell",
            "--no-imports",
            "-c",
            "from reviews.models import PackJob, IssuedPack; "
            "print(sorted(PackJob.objects.values_list('status', flat=True)), IssuedPack.objects.count())",
        )
        assert before.stdout.split("\n")[-2] == "['queued', 'queued'] 0"  # nothing made in the request

        worker = _manage(database_url, media, "db_worker", "--batch", "--interval", "0.1")
        assert worker.returncode == 0, worker.stderr

        checked = _manage(database_url, media, "shell", "--no-imports", "-c", CHECK)
        assert checked.returncode == 0, checked.stderr
        lines = checked.stdout.strip().splitlines()[-3:]
        assert lines == ["preview done True False", "issue done False True", "True True"]
    finally:
        drop()  # type: ignore[operator]
