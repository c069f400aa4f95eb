import datetime

from django.utils import timezone

from accounts.models import RiskAlert
from kamapp import db
from kamapp.rls import tenant_context
from tests.accounts.conftest import make_account


def test_insert_json_writes_typed_rows_and_skips_conflicts(org_a):
    account = make_account(org_a)
    now = timezone.now()
    types = {"account_id": "bigint", "rule": "text", "details": "jsonb", "due_date": "date"}
    fixed = {"tenant_id": org_a.tenant.pk, "severity": "high", "status": "open", "message": "m",
             "action": "a", "opened_at": now, "updated_at": now, "note": ""}  # fmt: skip
    row = {"account_id": account.pk, "rule": "r", "details": {"days": 3},
           "due_date": datetime.date(2026, 12, 1)}  # fmt: skip
    with tenant_context(org_a.tenant.pk):
        assert db.insert_json("accounts_riskalert", types, [row], fixed) == 1
        assert db.insert_json("accounts_riskalert", types, [row], fixed, skip_conflicts=True) == 0
        assert db.insert_json("accounts_riskalert", types, [], fixed) == 0
    alert = RiskAlert.objects.get()
    assert (alert.details, alert.due_date, alert.opened_at) == (
        {"days": 3},
        datetime.date(2026, 12, 1),
        now,
    )


def test_rows_of_an_empty_selection_ask_nothing(org_a, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert db.rows(RiskAlert.objects.filter(pk__in=[]).values_list("pk")) == []
