"""Faults with real parts: a Celery worker in its own process (the prefork pool, as in
production), a Redis of its own with the embedded service's configuration, a loopback SMTP
server, and the test database. Redis is stopped with work queued in it; a worker's process is
killed while it holds a recalculation or a mail SMTP has already accepted. Nothing is lost,
nothing is sent twice."""

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from aiosmtpd.controller import Controller
from celery import Celery
from django.conf import settings
from django.db import connection

from kamapp import devservices
from kamapp.celery import app
from kamapp.models import OutboundMail
from kamapp.rls import tenant_context

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, seconds: float = 60, what: str = "condition") -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def own_connection() -> psycopg.Connection:
    """A connection of the test's own beside the worker's: sees every tenant."""
    db = connection.settings_dict
    conn = psycopg.connect(
        host=db["HOST"], port=db["PORT"], dbname=db["NAME"], user=db["USER"],
        password=db["PASSWORD"], autocommit=False,
    )  # fmt: skip
    conn.execute("SELECT set_config('app.rls_bypass', 'on', false)")
    return conn


class Sink:
    """A loopback SMTP server that keeps what it accepts; `on_message` runs before it says
    250, so a test can act at the moment SMTP takes a mail."""

    def __init__(self):
        self.messages: list = []
        self.on_message = None
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())

    async def handle_DATA(self, server, session, envelope):
        if self.on_message:
            self.on_message(envelope)
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp():
    sink = Sink()
    sink.controller.start()
    yield sink
    sink.controller.stop()


class Broker:
    """A Redis of the test's own, configured as the embedded one (append-only log)."""

    def __init__(self, directory: Path):
        self.port = free_port()
        self.directory = directory
        self.url = f"redis://127.0.0.1:{self.port}/0"
        devservices.start_redis(self.port, directory)

    def restart(self) -> None:
        devservices.stop_redis(self.port)
        devservices.start_redis(self.port, self.directory)

    def queued(self) -> int:
        found = devservices._redis_cli("llen", "celery", port=self.port).stdout.strip()
        return int(found or 0)


@pytest.fixture
def broker(tmp_path):
    broker = Broker(tmp_path / "redis")
    yield broker
    devservices.stop_redis(broker.port)


class Worker:
    """`celery worker` in a process of its own, against the test database and `broker`."""

    def __init__(self, broker: Broker, smtp_port: int, log: Path):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "kamapp.settings",
            "DATABASE_URL": database_url(),
            "REDIS_URL": broker.url,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "SECRET_KEY": settings.SECRET_KEY,
        }
        self.log = log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "kamapp", "worker", "--pool", "prefork",
             "--concurrency", "1", "--loglevel", "INFO", "--without-heartbeat",
             "--without-gossip", "--without-mingle"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip

    def pool_processes(self) -> list[int]:
        found = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True
        )
        return [int(pid) for pid in found.stdout.split()]

    def kill_pool(self) -> None:
        """The pool's process dies, as under the OOM killer: the parent sees the task lost."""
        for pid in self.pool_processes():
            os.kill(pid, signal.SIGKILL)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


@pytest.fixture
def workers(broker, smtp, tmp_path):
    started: list[Worker] = []

    def start() -> Worker:
        worker = Worker(broker, smtp.controller.port, tmp_path / "worker.log")
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
    print((tmp_path / "worker.log").read_text(errors="replace")[-4000:])


@pytest.fixture
def publisher(broker):
    """What the web process would do, against the test's broker: a Celery app of its own,
    current while the block runs, so `send_on_commit` publishes there."""
    own = Celery("kamapp-faults", broker=broker.url)
    own.conf.broker_connection_retry_on_startup = True

    @contextmanager
    def current():
        own.set_current()
        try:
            yield own
        finally:
            app.set_current()

    yield current
    own.close()


def packets(smtp: Sink) -> list:
    """The review packets' mails (not the cycle packet's, which a one-KAM cycle sends too)."""
    return [
        m
        for m in smtp.messages
        if b"application/pdf" in m.content and b"Subject: Review cycle packet" not in m.content
    ]


def finalised_review(org):
    import datetime

    from accounts.demo import seed
    from reviews import workflow

    with tenant_context(org.tenant.pk):
        seed(org.tenant, size=2)
    start = datetime.date(2026, 7, 1)
    cycle = workflow.open_cycle(
        org.tenant, org.leader.user, "Q3 2026", start, start + datetime.timedelta(days=91)
    )
    review = cycle.reviews.get(kam=org.kam)
    workflow.submit_self_assessment(review, org.kam.user, "Mine", {})
    return review


def test_a_packet_queued_when_redis_stops_is_mailed_exactly_once(
    org_a, smtp, broker, workers, publisher
):
    from reviews import workflow
    from reviews.models import ReviewPacket

    review = finalised_review(org_a)
    with publisher():  # no worker runs yet: the packet's message waits in Redis
        workflow.finalise(review, org_a.supervisor.user, "Well done", {})
    waiting = broker.queued()  # the packet and the step's notifications
    assert waiting >= 1
    time.sleep(1.2)  # the append-only log is written every second
    broker.restart()
    assert broker.queued() == waiting  # the messages came back with Redis

    workers()
    wait_for(lambda: packets(smtp), what="the packet mail")
    with publisher() as own:  # the sweep, and the same message again
        own.send_task("reviews.tasks.requeue_packets")
        own.send_task("reviews.tasks.send_packet", (org_a.tenant.pk, review.pk))
    wait_for(lambda: broker.queued() == 0, what="the queue to drain")
    time.sleep(2)

    (message,) = packets(smtp)
    assert message.rcpt_tos == [org_a.leader.user.email]
    ids = [m.content.split(b"Message-ID: ")[1].split(b"\r\n")[0] for m in smtp.messages]
    assert len(ids) == len(set(ids))  # the step's notifications went once too
    assert ReviewPacket.objects.filter(review=review).count() == 1


def test_a_mail_smtp_took_before_the_worker_died_is_not_sent_again(org_a, smtp, workers, publisher):
    from kamapp import outbox

    worker = workers()
    lock = own_connection()

    def hold_the_row(envelope):
        # SMTP has the mail; the worker will mark it sent next. Hold that row so it can't,
        # and kill the worker's process while it waits.
        lock.execute("SELECT id FROM kamapp_outboundmail FOR UPDATE")

    smtp.on_message = hold_the_row
    with publisher(), tenant_context(org_a.tenant.pk):
        mail = outbox.queue(org_a.tenant.pk, "confidential", ["leader@acme.test"], "Packet", "PDF")
    wait_for(lambda: smtp.messages, what="SMTP to take the mail")
    wait_for(waiting_on_a_lock, what="the worker to wait on the row")
    worker.kill_pool()
    lock.rollback()
    lock.close()

    # The lost task is handed to the pool's new process, which finds the row claimed.
    time.sleep(3)
    row = OutboundMail.objects.get(pk=mail.pk)
    assert row.claimed_at is not None and row.sent_at is None
    OutboundMail.objects.filter(pk=row.pk).update(claimed_at=row.claimed_at - outbox.LEASE)
    with publisher() as own:
        own.send_task("kamapp.tasks.requeue_mail")
    wait_for(
        lambda: OutboundMail.objects.filter(pk=row.pk, failed_at__isnull=False).exists(),
        what="the sweep to give the claim up",
    )
    assert len(smtp.messages) == 1


def waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND datname = current_database()"
        )
        return cursor.fetchone()[0] > 0


def test_a_recalculation_killed_midway_completes_on_the_next_run_without_duplicates(
    org_a, smtp, workers, publisher
):
    from accounts.demo import seed
    from accounts.models import HealthSnapshot, KeyAccount, RiskAlert

    with tenant_context(org_a.tenant.pk):
        seed(org_a.tenant, size=4)
    accounts = KeyAccount.objects.filter(tenant=org_a.tenant).count()
    worker = workers()
    lock = own_connection()
    lock.execute("LOCK TABLE accounts_healthsnapshot IN EXCLUSIVE MODE")  # writes wait
    with publisher() as own:
        own.send_task("accounts.tasks.recalculate_tenant", (org_a.tenant.pk,))
    wait_for(waiting_on_a_lock, what="the recalculation to reach its writes")
    worker.kill_pool()
    lock.rollback()
    lock.close()

    # The task lost with the process goes back to the queue and runs again in full.
    wait_for(lambda: smtp.messages, what="the new-alert mail")
    scored = HealthSnapshot.objects.filter(tenant=org_a.tenant)
    assert scored.values("account").distinct().count() == accounts
    first_run = scored.count()
    with publisher() as own:  # the next hourly run
        own.send_task("accounts.tasks.recalculate_tenant", (org_a.tenant.pk,))
    wait_for(lambda: scored.count() > first_run, what="the next run")
    time.sleep(2)  # its notification task

    live = RiskAlert.objects.filter(tenant=org_a.tenant, status__in=RiskAlert.LIVE)
    keys = list(live.values_list("account_id", "rule"))
    assert keys and len(keys) == len(set(keys))
    recipients = [tuple(m.rcpt_tos) for m in smtp.messages]
    assert len(recipients) == len(set(recipients))  # one mail per owner, however many runs
