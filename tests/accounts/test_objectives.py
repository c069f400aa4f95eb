from django.urls import reverse

from accounts.models import KPI, KPIMeasurement
from tests.accounts.conftest import make_kpi, make_objective


def url(org, name, account, **kwargs):
    return reverse(name, kwargs={"slug": org.tenant.slug, "keyaccount_pk": account.pk, **kwargs})


def test_add_objective_and_kpi(client, org_a, account):
    client.force_login(org_a.kam.user)
    client.post(
        url(org_a, "account-objectives", account), {"title": "Cut downtime", "status": "active"}
    )
    objective = account.objectives.get()
    create = url(org_a, "kpi-create", account, objective_pk=objective.pk)
    response = client.post(
        create,
        {"name": "Downtime", "unit": "h", "baseline": "40", "target": "20", "direction": "up"},
        follow=True,
    )
    assert "direction disagrees" in response.text and not KPI.objects.exists()
    client.post(
        create,
        {"name": "Downtime", "unit": "h", "baseline": "40", "target": "20", "direction": "down"},
    )
    assert KPI.objects.get().objective == objective


def test_inline_measurement_returns_the_updated_row(client, org_a, account):
    kpi = make_kpi(make_objective(account), baseline="40", target="20")
    client.force_login(org_a.kam.user)
    add = url(org_a, "kpi-measurement-add", account, kpi_pk=kpi.pk)
    response = client.post(add, {"date": "2026-11-01", "value": "30"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="kpi-{kpi.pk}"' in response.text and "<html" not in response.text
    assert '"attainment">50%<' in response.text
    assert KPIMeasurement.objects.get().recorded_by == org_a.kam.user
    bad = client.post(add, {"date": "", "value": "abc"}, HTTP_HX_REQUEST="true")
    assert "This field is required" in bad.text and "Enter a number" in bad.text
    assert KPIMeasurement.objects.count() == 1


def test_objectives_tab_renders_the_chart(client, org_a, account):
    kpi = make_kpi(make_objective(account))
    for day, value in [(1, 38), (2, 33)]:
        KPIMeasurement.objects.create(
            tenant=org_a.tenant, kpi=kpi, date=f"2026-0{day}-01", value=value
        )
    client.force_login(org_a.leader.user)
    page = client.get(url(org_a, "account-objectives", account)).text
    assert "<svg" in page and "Downtime over time" in page and "Add measurement" not in page


def test_the_kam_marks_an_objective_achieved(client, org_a, account):
    import datetime

    from django.utils import timezone

    from accounts.models import Objective
    from kamapp.models import AuditEvent

    objective = make_objective(account)
    client.force_login(org_a.kam.user)
    tab = client.get(url(org_a, "account-objectives", account)).text
    assert "Mark achieved" in tab and f'value="{timezone.localdate():%Y-%m-%d}"' in tab
    mark = url(org_a, "objective-achieved", account, objective_pk=objective.pk)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    wrong = client.post(mark, {"achieved_on": tomorrow.isoformat()})
    assert wrong.status_code == 200
    assert (
        "cannot be achieved in the future" in wrong.text
        and '<details class="add-kpi" open' in wrong.text
    )
    objective.refresh_from_db()
    assert objective.status == "active" and objective.achieved_on is None
    assert client.post(mark, {"achieved_on": "2026-10-02"}).status_code == 302
    objective.refresh_from_db()
    assert (objective.status, objective.achieved_on) == ("achieved", datetime.date(2026, 10, 2))
    event = AuditEvent.objects.get(verb="objective.achieve")
    assert event.changes["status"] == ["active", "achieved"]
    history = client.get(url(org_a, "account-history", account)).text
    assert "marked the customer goal “Cut downtime” achieved on 2026-10-02" in history
    page = client.get(url(org_a, "account-objectives", account)).text
    assert "achieved 2 Oct 2026" in page

    client.force_login(org_a.leader.user)  # reads, does not write
    assert client.post(mark, {"achieved_on": "2026-10-02"}).status_code == 403
    assert Objective.objects.get().status == "achieved"


def test_the_objective_form_keeps_the_achieved_day_with_the_status(client, org_a, account):
    import datetime

    from django.utils import timezone

    objective = make_objective(account)
    client.force_login(org_a.kam.user)
    edit = url(org_a, "objective-edit", account, objective_pk=objective.pk)
    data = {"title": "Cut downtime", "status": "achieved", "achieved_on": ""}
    assert client.post(edit, data).status_code == 302
    objective.refresh_from_db()
    assert objective.achieved_on == timezone.localdate()  # today when left empty
    later = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    assert "in the future" in client.post(edit, {**data, "achieved_on": later}).text
    client.post(edit, {**data, "status": "active", "achieved_on": "2026-01-05"})
    objective.refresh_from_db()
    assert (objective.status, objective.achieved_on) == ("active", None)


def test_marking_an_already_achieved_goal_from_a_stale_tab_says_so(client, org_a, account):
    import datetime

    objective = make_objective(account)
    objective.status, objective.achieved_on = "achieved", datetime.date(2026, 10, 2)
    objective.save()
    client.force_login(org_a.kam.user)
    mark = url(org_a, "objective-achieved", account, objective_pk=objective.pk)
    response = client.post(mark, {"achieved_on": "not a day"}, follow=True)
    assert "was already marked achieved on 2 Oct 2026" in response.text
    objective.refresh_from_db()
    assert objective.achieved_on == datetime.date(2026, 10, 2)
