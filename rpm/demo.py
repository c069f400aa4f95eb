"""A year of quarterly assessments for every demo account: most climb a step or two, one
(the seventh account) falls back at its latest assessment."""

import datetime
import random

from django.utils import timezone

from accounts.models import KeyAccount
from rpm.matrix import STATEMENTS
from rpm.models import Assessment, Target

START = {"strategic": (3, 2), "key": (2, 2), "development": (1, 1)}


def seed(tenant, today: datetime.date | None = None) -> int:
    accounts = list(KeyAccount.objects.for_tenant(tenant).order_by("pk"))
    if not accounts or Assessment.objects.for_tenant(tenant).exists():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(f"rpm-{tenant.slug}")
    rows, targets = [], []
    for index, account in enumerate(accounts):
        stage, maturity = START[account.tier]
        for quarter in range(4, -1, -1):
            if quarter < 4 and rng.random() < 0.45:
                if rng.random() < 0.5 and stage < 5:
                    stage += 1
                elif maturity < 4:
                    maturity += 1
            if index == 6 and quarter == 0:  # the one that slipped
                stage = max(1, stage - 1)
            if (stage, maturity) in {(5, 1), (1, 4)}:
                maturity = 2
            evidence = [key for key, (level, _) in STATEMENTS.items() if level <= stage]
            rows.append(
                Assessment(
                    tenant=tenant,
                    account=account,
                    stage=stage,
                    maturity=maturity,
                    assessed_on=today
                    - datetime.timedelta(days=91 * quarter + rng.randrange(0, 10)),
                    assessor=account.owner,
                    evidence=evidence,
                    notes="Quarterly review with the account team.",
                )
            )
        if account.tier == "strategic":
            targets.append(
                Target(
                    tenant=tenant, account=account, target_date=today + datetime.timedelta(days=365)
                )
            )
    Assessment.objects.bulk_create(rows)
    Target.objects.bulk_create(targets)
    return len(rows)
