"""Review packet benchmark: `make bench` (not part of the test suite).

Seeds the demo data into the bench database, renders a finalised review's packet (template,
chart and WeasyPrint, as `reviews.packet.render_pdf` does for the mail) and, beside it,
WeasyPrint rendering a plain document of the same page count (a heading and a paragraph
of text a page): the packet's own cost over the PDF engine's. Medians of `--runs`; the last
line is machine-readable.

    python tests/perf/bench_packet.py [--runs 5]
"""

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kamapp.settings")

from kamapp import devservices
from tests.perf.bench_health import use_bench_database

TEXT = "The account's plan, its customer's goals and what was done about them. " * 12


def median_seconds(work, runs: int):
    """The median of `runs` timed calls, after one to warm up, and the last result."""
    result = work()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def plain(pages: int) -> bytes:
    from weasyprint import HTML

    body = "".join(
        f'<section style="page-break-after: always"><h1>Page {n}</h1><p>{TEXT}</p></section>'
        for n in range(1, pages + 1)
    )
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    devservices.up()
    use_bench_database()

    import django

    django.setup()
    from django.core.management import call_command

    from kamapp.audit import rls_bypass
    from kamapp.rls import tenant_context
    from reviews.models import PerformanceReview
    from reviews.packet import render_pdf
    from reviews.summary import summarise

    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    with rls_bypass("packet bench: pick a finalised review"):
        review = (
            PerformanceReview.objects.filter(status=PerformanceReview.Status.FINALISED)
            .order_by("pk")
            .first()
        )
    with tenant_context(review.tenant_id):
        summary = summarise(review, review.scorecard)  # the packet's page one, as `send` does
        packet_s, (_, pages) = median_seconds(lambda: render_pdf(review, summary), args.runs)
    plain_s, _ = median_seconds(lambda: plain(pages), args.runs)
    ratio = packet_s / plain_s
    print(
        f"review packet: {pages} pages in {packet_s * 1000:.0f} ms; a plain document of "
        f"{pages} pages {plain_s * 1000:.0f} ms; ×{ratio:.2f}"
    )
    print(
        f"packet-bench: pages={pages} packet_ms={packet_s * 1000:.0f} "
        f"plain_ms={plain_s * 1000:.0f} ratio={ratio:.2f}"
    )


if __name__ == "__main__":
    main()
