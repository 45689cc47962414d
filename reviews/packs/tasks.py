"""The committee pack work the task queue runs: previews and issues (ADR 0023)."""

from __future__ import annotations

from django_tasks import task

from peertrack.tasks import describe


@task()
def run_pack_job(*, job_id: int, council_id: int) -> str:
    """Runs one `PackJob` (a preview or an issue) and returns its status.

    A failure is recorded on the job (the page shows it with a retry) and re-raised, so the
    failed attempt also shows on the council's failed tasks page. No automatic retry: issuing is
    the coordinator's decision, so they retry from the page.
    """
    from reviews.models import PackJob
    from reviews.packs.services import run_job

    job = PackJob.objects.filter(pk=job_id).first()
    if job is None:
        return "missing"
    return run_job(job).status


describe(f"{__name__}.run_pack_job", "Make a committee pack")
