"""Page benchmark: `make bench` (not part of the test suite).

Builds two tenants in the bench database (`kamapp_bench`), one of 200 accounts and one of
20,000 (the health bench's generator: ~100 child rows an account, 30 days of snapshots, plus
an RPM assessment each), scores both, then times the leader's main pages in each with the
test client behind the whole middleware stack, and an empty view behind the same tenant
middleware (and the layout alone around nothing, every page's floor). Prints, per page, the
median time and size at both sizes and their ratio (goal: within 2×), and the page's
requests/second as a share of the empty view's (goal: ≥ 40 %);
then the time from a saved KPI value to its new score with a Celery worker running. One
machine-readable line per figure, starting with `pages-bench:` / `rescore-bench:`.

    python tests/perf/bench_pages.py [--small 200] [--large 20000] [--runs 15]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kamapp.settings")

from django.http import HttpResponse
from django.urls import include, path

from kamapp import devservices
from tests.perf.bench_health import GENERATE, use_bench_database


def empty(request, slug: str) -> HttpResponse:
    """The framework's own cost: the tenant middleware, a session, nothing else."""
    return HttpResponse("ok")


def layout(request, slug: str) -> HttpResponse:
    """The floor of every page: the layout (navigation, its counts, the header) around
    nothing."""
    from django.template import engines

    page = engines["django"].from_string('{% extends "base.html" %}')
    return HttpResponse(page.render({}, request))


urlpatterns: list = []  # the app's routes and the empty view, filled in once Django is set up

PAGES = {
    "home": "",
    "accounts": "accounts/",
    "alerts": "alerts/",
    "rpm": "rpm/",
    "account": "accounts/{account}/",
    "health": "accounts/{account}/health/",
    "reviews": "reviews/",
    "team": "team/",
    "leadership": "leadership/",
    "search": "search/?q=Account 1",
    "layout": "layout/",
    "empty": "empty/",
}
ASSESS = """
SELECT set_config('app.rls_bypass', 'on', false);
INSERT INTO rpm_assessment (tenant_id, account_id, assessed_on, stage, maturity, evidence,
  notes, no_fly_reason, created_at)
SELECT %(tenant)s, id, current_date - (id %% 200)::int, 1 + id %% 5, 1 + (id / 5) %% 4, '[]',
  '', '', now()
FROM accounts_keyaccount WHERE tenant_id = %(tenant)s;
SELECT set_config('app.rls_bypass', '', false);
"""


def build(sizes: dict[str, int]):
    from django.db import connection

    from accounts import recalculation
    from accounts.models import touch_last_contact
    from kamapp.models import Membership, Tenant, User
    from kamapp.rls import tenant_context
    from rpm.models import place

    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('app.rls_bypass', 'on', false)")
    leader = User.objects.create_user("leader@bench.test", "x", full_name="Bench Leader")
    kam = User.objects.create_user("kam@bench.test", "x", full_name="Bench KAM")
    made = {}
    for label, n in sizes.items():
        tenant = Tenant.objects.create(slug=f"pages-{label}", name=f"Pages {label}")
        owner = Membership.objects.create(tenant=tenant, user=kam, role="kam")
        Membership.objects.create(tenant=tenant, user=leader, role="leader")
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(GENERATE, {"tenant": tenant.pk, "owner": owner.pk, "n": n})
            cursor.execute(ASSESS, {"tenant": tenant.pk})
            cursor.execute("SELECT set_config('app.rls_bypass', 'on', false)")
            place(tenant.pk)  # the current cells, as saving each assessment would have
            touch_last_contact(tenant.pk)  # and the last contacts, as each interaction
            # statistics before the run: the rollup query planned blind takes minutes
            cursor.execute("ANALYZE")
        with tenant_context(tenant.pk):
            recalculation.recalculate(tenant)
        made[label] = tenant
        print(f"built and scored {n} accounts in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        # what autovacuum does within a minute of the health run rewriting every account row:
        # the pages are timed in that steady state (index-only scans see all-visible pages)
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("SELECT set_config('app.rls_bypass', '', false)")
    return leader, made


def timed(client, url: str, runs: int) -> tuple[float, int]:
    """Median milliseconds and bytes of `runs` GETs after two to warm up."""
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, len(response.content)


def rescore_latency(tenant) -> float:
    """Seconds from a KPI value committed to its account's new snapshot, with a worker."""
    from celery.contrib.testing.worker import start_worker

    from accounts.models import KPI, HealthSnapshot, KPIMeasurement
    from kamapp.celery import app
    from kamapp.rls import tenant_context

    with tenant_context(tenant.pk):
        kpi = KPI.objects.for_tenant(tenant).select_related("objective").first()
        account = kpi.objective.account_id
        before = HealthSnapshot.objects.filter(account_id=account).count()
    app.control.purge()  # messages other benches left (the packet bench's demo mails)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=60):
        started = time.perf_counter()
        with tenant_context(tenant.pk):
            KPIMeasurement.objects.create(
                tenant=tenant, kpi=kpi, date=time.strftime("%Y-%m-%d"), value=21
            )
        while time.perf_counter() - started < 60:
            with tenant_context(tenant.pk):
                if HealthSnapshot.objects.filter(account_id=account).count() > before:
                    break
            time.sleep(0.05)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=int, default=200)
    parser.add_argument("--large", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    devservices.up()
    use_bench_database()
    os.environ["ALLOWED_HOSTS"] = "testserver"

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from accounts.models import KeyAccount
    from kamapp.rls import tenant_context

    urlpatterns.extend(
        [
            path("o/<slug:slug>/empty/", empty),
            path("o/<slug:slug>/layout/", layout),
            path("", include("kamapp.urls")),
        ]
    )
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    leader, tenants = build({"small": args.small, "large": args.large})
    client = Client()
    client.force_login(leader)
    results: dict[str, dict[str, tuple[float, int]]] = {}
    for label, tenant in tenants.items():
        with tenant_context(tenant.pk):
            account = KeyAccount.objects.for_tenant(tenant).order_by("pk").first().pk
        for page, route in PAGES.items():
            url = f"/o/{tenant.slug}/{route.format(account=account)}"
            results.setdefault(page, {})[label] = timed(client, url, args.runs)
    empty_ms = {label: results["empty"][label][0] for label in tenants}
    lines = []
    for page, by_size in results.items():
        (small_ms, small_b), (large_ms, large_b) = by_size["small"], by_size["large"]
        share = empty_ms["small"] / small_ms
        print(
            f"{page:10} {args.small}: {small_ms:7.1f} ms {small_b / 1024:7.1f} KiB | "
            f"{args.large}: {large_ms:7.1f} ms {large_b / 1024:7.1f} KiB | "
            f"×{large_ms / small_ms:.2f} | {share:.0%} of an empty view's requests/s"
        )
        lines.append(
            f"pages-bench: {page} small_ms={small_ms:.1f} large_ms={large_ms:.1f} "
            f"ratio={large_ms / small_ms:.2f} small_kib={small_b / 1024:.1f} "
            f"large_kib={large_b / 1024:.1f} vs_empty={share:.2f}"
        )
    latency = rescore_latency(tenants["large"])
    print(f"KPI value saved → new score visible: {latency:.2f} s (worker running)")
    lines.append(f"rescore-bench: change_to_score_s={latency:.2f}")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
