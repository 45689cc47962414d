"""The PDF/UA-1 structure pass (peertrack/pdf.py, ADR 0025) against WeasyPrint's own time, on the demo 2024 pack.

    .venv/bin/python bench/pdf_structure.py                 # SQLite in /tmp
    .venv/bin/python bench/pdf_structure.py --runs 7 --database-url postgres://postgres@127.0.0.1:5432/peertrack_pdfua_bench

It loads the demo data (Coventry), renders the coventry-2024 committee pack's HTML once, then times,
run by run and alternating so machine noise hits them alike:

- WeasyPrint: HTML to laid-out pages (`render`) and pages to a tagged PDF (`write_pdf`, with the
  structure recording on), the render time the pack costs without the pass;
- the pass: `peertrack.pdf.finish` on that tagged PDF (pikepdf: read, fix the tree and the content
  streams, write).

It prints the medians and the pass as a share of WeasyPrint's time (the target is under 15%), and the
document's size before and after.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main() -> None:
    from bench.common import arguments, setup_django

    args = arguments(__doc__, database_url="sqlite:////tmp/peertrack-bench-pdf-structure.sqlite3", runs=5).parse_args()
    setup_django(args.database_url)

    from weasyprint import HTML

    from peertrack import inputs
    from peertrack.pdf import PDF_VARIANT, finish, write_tagged
    from recommendations.demo import load_demo
    from recommendations.models import PeerChallenge
    from reviews.models import CommitteeReport, starter_report
    from reviews.packs.pdf import BASE_URL, StaticOnlyFetcher, render_html
    from reviews.packs.snapshot import build_snapshot

    sys.stdout.reconfigure(line_buffering=True)
    load_demo(with_logins=False)
    challenge = PeerChallenge.objects.get(slug="coventry-2024")
    report = CommitteeReport.objects.filter(challenge=challenge).order_by("-updated_at", "-pk").first()
    report = report or starter_report(challenge=challenge)
    report.challenge = challenge
    html = inputs.xml_safe(inputs.clean_text(render_html(build_snapshot(report=report, as_of=report.figures_as_of))))

    def weasyprint() -> tuple[bytes, int, float, float]:
        started = time.perf_counter()
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).render(pdf_variant=PDF_VARIANT)
        rendered = time.perf_counter()
        tagged = write_tagged(document)
        return tagged, len(document.pages), rendered - started, time.perf_counter() - rendered

    tagged, pages, _, _ = weasyprint()  # warm fonts and caches
    finish(tagged)
    renders, writes, passes = [], [], []
    for _ in range(args.runs):
        tagged, pages, render_s, write_s = weasyprint()
        started = time.perf_counter()
        finished = finish(tagged)
        passes.append(time.perf_counter() - started)
        renders.append(render_s)
        writes.append(write_s)
    render, write, structure = (statistics.median(times) for times in (renders, writes, passes))
    weasy = render + write
    print(f"Demo 2024 committee pack ({pages} pages), median of {args.runs} runs")
    print(
        f"{'render s':>9} {'write_pdf s':>12} {'weasyprint s':>13} {'pass s':>7} {'pass/weasyprint':>16} "
        f"{'tagged KiB':>11} {'finished KiB':>13}"
    )
    print(
        f"{render:>9.3f} {write:>12.3f} {weasy:>13.3f} {structure:>7.3f} {structure / weasy:>16.1%} "
        f"{len(tagged) / 1024:>11.0f} {len(finished) / 1024:>13.0f}"
    )


if __name__ == "__main__":
    main()
