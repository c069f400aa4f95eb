"""Health within seconds of a change: a write to one of an account's inputs (a KPI value, an
interaction, an action, feedback, a plan review, financials; the RPM adds its assessments)
queues that account's rescoring once the transaction commits, coalesced per account, through
Celery (`tasks.rescore_account`, the hourly run's code path with one id). The hourly run stays
for what time alone changes (cadences, due dates)."""

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar

from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from kombu.exceptions import OperationalError as BrokerError

from accounts.jobs import UNREACHABLE
from accounts.models import (
    KPI,
    AccountPlan,
    Action,
    CustomerFeedback,
    FinancialPeriod,
    Interaction,
    InteractionContact,
    KeyAccount,
    KPIMeasurement,
    Objective,
    PlanRevision,
    ProcessConfirmation,
)

logger = logging.getLogger(__name__)

DELAY = 1  # seconds: writes in a burst (a form saving several rows) share one run
PENDING = 5 * 60  # a queued account is not queued again for this long, unless its run starts
_runner: dict = {}
_suspended: ContextVar[bool] = ContextVar("rescoring_suspended", default=False)


def _via(model, field: str, path: str) -> Callable[[Model], int | None]:
    """The account of a row that reaches it through its `field` (a `model` id) and `path`
    from there: one small query."""

    def account_of(obj: Model) -> int | None:
        found = model.objects.filter(tenant_id=obj.tenant_id, pk=getattr(obj, field))
        return found.values_list(path, flat=True).first()

    return account_of


def _direct(obj: Model) -> int | None:
    return obj.account_id


def watch(model, account_of: Callable[[Model], int | None] = _direct) -> None:
    """Rescore the account of every saved or deleted `model` row (`account_of` finds it)."""

    def changed(sender, instance, raw=False, **kwargs) -> None:
        if raw or _suspended.get():
            return
        account_id = account_of(instance)
        if account_id is not None:
            queue(instance.tenant_id, account_id)

    post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"rescore-{model}")
    post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"rescore-del-{model}")


def register(task) -> None:
    """Watch the accounts app's inputs; `task(tenant_id, account_id)` does the rescoring (the
    tasks module imports this one, so it is handed over rather than imported)."""
    _runner["task"] = task
    watch(KeyAccount, lambda account: account.pk)  # tier, renewal date, status
    for model in (Interaction, Action, CustomerFeedback, FinancialPeriod, AccountPlan, Objective):
        watch(model)
    watch(ProcessConfirmation)  # the process followed, shown beside the health in lists
    watch(KPI, _via(Objective, "objective_id", "account_id"))
    watch(KPIMeasurement, _via(KPI, "kpi_id", "objective__account_id"))
    watch(PlanRevision, _via(AccountPlan, "plan_id", "account_id"))
    watch(InteractionContact, _via(Interaction, "interaction_id", "account_id"))


def _key(tenant_id: int, account_id: int) -> str:
    return f"rescore:{tenant_id}:{account_id}"


def queue(tenant_id: int, account_id: int) -> None:
    """Rescore the account shortly after the current transaction commits, unless a run for
    it is already waiting. Best effort: the hourly run scores every account anyway."""

    def publish() -> None:
        try:
            if cache.add(_key(tenant_id, account_id), 1, PENDING):
                _runner["task"].apply_async((tenant_id, account_id), countdown=DELAY)
        except (*UNREACHABLE, BrokerError) as error:
            logger.warning("rescoring of account %s not queued (%s)", account_id, error)

    transaction.on_commit(publish)


def started(tenant_id: int, account_id: int) -> None:
    """The run is about to read the account: a change from now on queues another."""
    with suppress(*UNREACHABLE):
        cache.delete(_key(tenant_id, account_id))


@contextmanager
def suspended() -> Iterator[None]:
    """No rescoring for writes inside (demo data, bulk loads): a full run follows them."""
    token = _suspended.set(True)
    try:
        yield
    finally:
        _suspended.reset(token)
