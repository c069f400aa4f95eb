"""The scorecard editor: sections and criteria added, renamed, reordered, removed; open
cycles keep the scorecard they were opened with."""

import datetime

from django.urls import reverse

from kamapp.models import AuditEvent
from reviews import scorecard, workflow

START, END = datetime.date(2026, 7, 1), datetime.date(2026, 9, 30)


def current(client, url) -> dict:
    """The editor's data as the page renders it, ready to post back."""
    editor = client.get(url).context["editor"]
    data = {}
    for formset in (editor.sections, editor.criteria):
        management = formset.management_form
        data |= {management.add_prefix(name): value for name, value in management.initial.items()}
        for n, form in enumerate(formset.initial_forms):
            data |= {form.add_prefix(name): value for name, value in form.initial.items()}
            data[form.add_prefix("ORDER")] = n + 1
    return data


def test_admins_edit_the_scorecard_and_open_cycles_keep_theirs(client, org_a):
    cycle = workflow.open_cycle(org_a.tenant, org_a.leader.user, "Q3 2026", START, END)
    url = reverse("scorecard-settings", args=[org_a.tenant.slug])
    client.force_login(org_a.leader.user)
    assert client.get(url).status_code == 403
    client.force_login(org_a.admin.user)
    page = client.get(url)
    assert "50%" in page.text  # each section's share of the overall
    data = current(client, url)

    edited = {
        **data,
        "section-0-label": "Customer outcomes",  # rename
        "section-1-ORDER": 0,  # internal results first
        "section-2-label": "Growth",  # a new section
        "section-2-weight": 20,
        "criterion-0-DELETE": "on",  # KPI attainment goes
        "criterion-9-section": "customer",  # contact cadence moves to the customer section
        "criterion-11-label": "Renewal conversations",  # a new criterion
        "criterion-11-section": "customer",
        "criterion-11-kind": "rating",
        "criterion-11-indicator": "leading",
        "criterion-11-weight": 10,
    }
    missing_metric = client.post(url, {**edited, "criterion-11-kind": "metric"})
    assert "Choose the data this criterion is measured by." in missing_metric.text
    unweighted = client.post(url, {**edited, **{f"criterion-{n}-weight": 0 for n in range(4, 11)}})
    assert "Internal results: give one criterion a weight." in unweighted.text
    assert client.post(url, edited).status_code == 302

    data = current(client, url)  # the new section can take criteria now
    growth = data["section-2-key"]
    moved = {**data, "criterion-0-section": growth}  # the first internal criterion
    assert client.post(url, moved).status_code == 302
    sections = scorecard.template_for(org_a.tenant)
    assert [s["label"] for s in sections] == ["Internal results", "Customer outcomes", "Growth"]
    internal, customer, growth = ([c["key"] for c in s["criteria"]] for s in sections)
    assert "kpi_attainment" not in customer and "contact_cadence" in customer
    assert "renewal_conversations" in customer and growth == ["revenue"]
    assert "revenue" not in internal
    events = AuditEvent.objects.filter(verb="scorecard.edit").order_by("created_at", "id")
    assert events[0].changes["kpi_attainment"][1] is None
    assert events[1].changes["revenue"][1].startswith("growth 1. Revenue and margin")
    assert "%" in client.get(url).text

    review = cycle.reviews.get(kam=org_a.kam)
    page = client.get(reverse("review-detail", args=[org_a.tenant.slug, review.pk]))
    assert [s["label"] for s in page.context["card"]["sections"]] == [
        "Customer results",
        "Internal results",
    ]  # the open cycle keeps the scorecard it was opened with
    later = workflow.open_cycle(org_a.tenant, org_a.leader.user, "Q4 2026", END, END)
    review = later.reviews.get(kam=org_a.kam)
    page = client.get(reverse("review-detail", args=[org_a.tenant.slug, review.pk]))
    assert page.context["card"]["sections"][1]["label"] == "Customer outcomes"
