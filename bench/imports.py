"""Action plan import and export timings, against openpyxl reading the same file alone.

    .venv/bin/python bench/imports.py                 # SQLite in /tmp
    .venv/bin/python bench/imports.py --database-url postgres://postgres@127.0.0.1:5432/peertrack_h7_bench

For each plan size (actions in one challenge of 20 recommendations) it times, in one run:

- openpyxl alone: load the exported workbook read-only and touch every cell (the floor);
- read: `spreadsheets.read_action_plan` (typed, validated rows);
- preview: read + `imports.plan_action_plan` against the database (the upload page's work);
- first import: `imports.apply_action_plan` into an empty plan (creates every action);
- re-import: the same file again (changes nothing: the idempotence check);
- export: `imports.export_rows` + `spreadsheets.build_export`;
- council layout preview (issue 17): the same number of rows in a council's own layout (cover
  sheet, header on row 3, merged recommendation cells, dates and statuses in words) previewed
  with the guessed column mapping; it must stay under 2 seconds for 2,000 rows.

It prints median milliseconds, the ratio to openpyxl alone and the preview's query count,
then the peak Python allocation of one preview (tracemalloc, measured apart from the timings).
Compare ratios, not absolute times: the machine is shared.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _workbook(size: int, officers: list) -> bytes:
    from recommendations.imports import describe_officer
    from recommendations.spreadsheets import build_export

    rows = [
        {
            "reference": f"{n % 20 + 1}.{n // 20 + 1}",
            "recommendation": n % 20 + 1,
            "description": f"Action {n}: publish and deliver the agreed plan with partners " * 2,
            "lead_officer": describe_officer(officers[n % len(officers)]),
            "cabinet_member": "Cllr Example",
            "directorate": "Place",
            "start_date": dt.date(2024, 2, 1),
            "due_date": dt.date(2024, 9, 30) + dt.timedelta(days=n % 200),
            "rag": ["Green", "Amber", "Red"][n % 3],
            "narrative": f"Progress on action {n}.",
        }
        for n in range(size)
    ]
    return build_export(rows=rows)


def _council_workbook(size: int) -> bytes:
    """A council's own layout (issue 17): a cover sheet, the header on row 3, the recommendation
    merged over its actions, dates and statuses in words, lead officers as job titles."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "Cover"
    workbook.active.append(["RAG key"])
    sheet = workbook.create_sheet("Action Plan")
    sheet.append(["Corporate Peer Challenge action plan"])
    sheet.append(["Reported to Scrutiny"])
    sheet.append(["Rec No.", "Recommendation", "Action", "Lead Officer(s)", "Timescale", "Status", "Update"])
    months = ["March 2025", "Sept 2024", "Q4 2024/25", "Ongoing", "31/12/2024", "TBC"]
    statuses = ["Complete", "On track", "Not started", "Some slippage"]
    per = max(1, size // 20)
    for n in range(size):
        number = n // per + 1
        first = n % per == 0
        sheet.append(
            [
                number if first else None,
                f"Recommendation {number}" if first else None,
                f"Action {n}: publish and deliver the agreed plan with partners",
                "Director of Finance / Head of Policy",
                months[n % len(months)],
                statuses[n % len(statuses)],
                f"Progress on action {n}.",
            ]
        )
        if first and per > 1:
            row = sheet.max_row
            sheet.merge_cells(f"A{row}:A{row + per - 1}")
            sheet.merge_cells(f"B{row}:B{row + per - 1}")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def main() -> None:
    from bench.common import arguments, median_seconds, member, peak_allocation, peer_challenge, setup_django

    args = arguments(
        __doc__, database_url="sqlite:////tmp/peertrack-bench-imports.sqlite3", runs=5, sizes="200,2000"
    ).parse_args()
    setup_django(args.database_url)

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from openpyxl import load_workbook

    from recommendations import imports
    from recommendations.models import Council, Membership, Recommendation
    from recommendations.spreadsheets import build_export, read_action_plan

    print(f"Action plan import and export on {connection.vendor}, median of {args.runs} runs")
    council = Council.objects.create(name="Bench Council", slug="bench")
    coordinator = member(
        council=council,
        role=Membership.Role.COORDINATOR,
        username="coordinator",
        first_name="Co",
        last_name="Ordinator",
    )
    officers = [
        member(
            council=council,
            role=Membership.Role.OFFICER,
            username=f"officer{index}",
            first_name="Officer",
            last_name=str(index),
            email=f"officer{index}@bench.invalid",
        )
        for index in range(30)
    ]

    for size in args.sizes:
        challenge = peer_challenge(council=council, slug=f"bench-{size}")
        for number in range(1, 21):
            Recommendation.objects.create(
                challenge=challenge, number=number, title=f"R{number}", text="The council should."
            )
        data = _workbook(size, officers)

        def openpyxl_alone(data=data):
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
            for row in workbook.worksheets[0].iter_rows():
                for cell in row:
                    _ = cell.value
            workbook.close()

        def first_import(challenge=challenge, data=data):
            # Rolled back each time so every run starts from an empty plan.
            with transaction.atomic():
                imports.apply_action_plan(challenge=challenge, data=data, filename="b.xlsx", by=coordinator)
                transaction.set_rollback(True)

        floor = median_seconds(openpyxl_alone, args.runs)
        timings = {
            "read": median_seconds(lambda data=data: read_action_plan(data, "b.xlsx"), args.runs),
            "first import": median_seconds(first_import, max(1, args.runs // 2)),
        }
        imports.apply_action_plan(challenge=challenge, data=data, filename="b.xlsx", by=coordinator)
        timings["preview"] = median_seconds(
            lambda c=challenge, d=data: imports.read_and_plan(challenge=c, data=d, filename="b.xlsx"), args.runs
        )
        timings["re-import"] = median_seconds(
            lambda c=challenge, d=data: imports.apply_action_plan(
                challenge=c, data=d, filename="b.xlsx", by=coordinator
            ),
            args.runs,
        )
        timings["export"] = median_seconds(lambda c=challenge: build_export(rows=imports.export_rows(c)), args.runs)
        with CaptureQueriesContext(connection) as queries:
            plan = imports.read_and_plan(challenge=challenge, data=data, filename="b.xlsx")
        assert not plan.changes_anything and not plan.errors, "re-import should change nothing"
        peak = peak_allocation(
            lambda c=challenge, d=data: imports.read_and_plan(challenge=c, data=d, filename="b.xlsx")
        )

        print(f"\n{size} actions, file {len(data) / 1024:.0f} KiB")
        print(f"  {'openpyxl alone':<14} {floor * 1000:9.1f} ms   1.00x")
        for name, value in timings.items():
            print(f"  {name:<14} {value * 1000:9.1f} ms  {value / floor:5.2f}x")
        print(f"  preview queries: {len(queries)}; preview peak Python memory {peak / 2**20:.1f} MiB")

        # Issue 17: the same number of rows in a council's own layout, mapped as guessed.
        council_data = _council_workbook(size)
        council_challenge = peer_challenge(council=council, slug=f"bench-council-{size}")
        for number in range(1, 21):
            Recommendation.objects.create(
                challenge=council_challenge, number=number, title=f"R{number}", text="The council should."
            )
        council_preview = median_seconds(
            lambda c=council_challenge, d=council_data: imports.read_and_plan(
                challenge=c, data=d, filename="council.xlsx"
            ),
            args.runs,
        )
        council_plan = imports.read_and_plan(challenge=council_challenge, data=council_data, filename="council.xlsx")
        print(
            f"  council layout preview {council_preview * 1000:9.1f} ms "
            f"({len(council_plan.outcomes)} rows, {len(council_plan.errors)} problems)"
        )


if __name__ == "__main__":
    main()
