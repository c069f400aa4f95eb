from django.core.management import call_command
from django.db.models import Count

from accounts.models import HealthSnapshot
from kamapp.demo import DEMO_PASSWORD, TENANTS
from kamapp.models import Membership, Role, Tenant, User


def test_seed_demo_is_safe_to_rerun(db, capsys):
    call_command("seed_demo")
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert DEMO_PASSWORD in out and "admin@northwind.example" in out
    assert out.count("admin@helix.example") == 2  # the logins are printed on every run
    assert Tenant.objects.count() == len(TENANTS)
    people = sum(len(p) for p in TENANTS.values())
    assert Membership.objects.count() == people
    for tenant in Tenant.objects.all():
        roles = set(Membership.objects.filter(tenant=tenant).values_list("role", flat=True))
        assert roles == set(Role)
    # twelve weekly snapshots of history, once, then one calculation per run
    weekly = HealthSnapshot.objects.values("account").annotate(n=Count("id"))
    assert {row["n"] for row in weekly} == {14}
    shared = User.objects.get(email="morgan.lee@consulting.example")
    assert shared.memberships.count() == 2  # the tenant switcher has something to switch
    assert shared.check_password(DEMO_PASSWORD)


def test_seed_demo_if_empty_leaves_data_alone(db, capsys):
    Tenant.objects.create(slug="existing", name="Existing")
    call_command("seed_demo", "--if-empty")
    assert Tenant.objects.count() == 1
