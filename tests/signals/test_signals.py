"""The labelled scenario suite: every must-flag case raised (recall 100 %), and no more than
one account in ten raising a rule it should not. `make signals` prints the table."""

import datetime
import os

import pytest

from kamapp.rls import tenant_context
from tests.signals.scenarios import SCENARIOS, run, tally

# a different seed every day (or SIGNALS_SEED=… to replay one), printed with any miss
SEED = int(os.environ.get("SIGNALS_SEED", datetime.date.today().toordinal()))
VARIANTS = int(os.environ.get("SIGNALS_VARIANTS", 3))


def table(result: dict) -> str:
    lines = [f"seed {SEED}, {VARIANTS} variants of {len(SCENARIOS)} scenarios"]
    lines.append(f"{'rule':<26}{'recall':>14}{'false alarms':>18}")
    for rule, r in result["per_rule"].items():
        recall = f"{r['caught']}/{r['expected']}" if r["expected"] else "—"
        lines.append(f"{rule:<26}{recall:>14}{r['false_alarms']:>9}/{r['quiet_cases']:<8}")
    lines.append(
        f"overall recall {result['recall']:.0%}, "
        f"false alarms {result['false_alarm_rate']:.0%} of accounts"
    )
    for r in result["missed"]:
        lines.append(
            f"MISSED {r['expected'] - set(r['fired'])} on {r['scenario']} #{r['variant']}"
            f" (score {r['score']}, fired {sorted(r['fired'])})"
        )
    for r in result["noisy"]:
        extra = {k: v for k, v in r["fired"].items() if k not in r["expected"]}
        lines.append(f"NOISE on {r['scenario']} #{r['variant']} (score {r['score']}): {extra}")
    return "\n".join(lines)


@pytest.mark.django_db
def test_the_labelled_scenarios(org_a):
    assert len(SCENARIOS) >= 24
    with tenant_context(org_a.tenant.pk):
        result = tally(run(org_a.tenant, org_a.kam, SEED, VARIANTS))
    report = table(result)
    print("\n" + report)
    assert result["recall"] == 1.0, report
    assert result["false_alarm_rate"] <= 0.10, report


@pytest.mark.django_db
def test_new_accounts_read_not_enough_data_yet(org_a):
    with tenant_context(org_a.tenant.pk):
        results = run(org_a.tenant, org_a.kam, SEED, 1)
    new = [r for r in results if r["scenario"].startswith("new ")]
    assert new and all((r["score"], r["band"]) == (None, "") for r in new), (SEED, new)
