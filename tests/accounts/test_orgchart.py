import xml.dom.minidom

from accounts.models import Contact
from accounts.orgchart import org_chart
from tests.accounts.conftest import make_contact


def test_org_chart_is_valid_svg_with_one_node_per_contact(account):
    ceo = make_contact(account, "Ceo <&> Person", relationship_strength=5)
    cfo = make_contact(account, "Cfo", reports_to=ceo, relationship_strength=1)
    make_contact(account, "Buyer", reports_to=cfo)
    svg = org_chart(list(Contact.objects.filter(account=account)))
    doc = xml.dom.minidom.parseString(svg)
    assert len(doc.getElementsByTagName("rect")) == 3
    assert "Ceo &lt;&amp;&gt; Person" in svg


def test_org_chart_survives_a_reporting_cycle(account):
    a = make_contact(account, "A")
    b = make_contact(account, "B", reports_to=a)
    Contact.objects.filter(pk=a.pk).update(reports_to=b)
    svg = org_chart(list(Contact.objects.filter(account=account)))
    assert len(xml.dom.minidom.parseString(svg).getElementsByTagName("rect")) == 2


def test_a_long_reporting_chain_renders_on_the_stakeholders_tab(client, org_a, account):
    boss = None
    for n in range(980):
        boss = Contact(tenant=account.tenant, account=account, name=f"C{n}", reports_to=boss)
        boss.save()
    client.force_login(org_a.admin.user)
    url = f"/o/{org_a.tenant.slug}/accounts/{account.pk}/stakeholders/"
    response = client.get(url)
    assert response.status_code == 200
    assert response.text.count('class="node"') == 980


def test_the_contact_form_refuses_a_reporting_loop(client, org_a, account):
    a = make_contact(account, "A")
    b = make_contact(account, "B", reports_to=a)
    client.force_login(org_a.admin.user)
    url = f"/o/{org_a.tenant.slug}/accounts/{account.pk}/stakeholders/{a.pk}/edit/"
    response = client.post(
        url, {"name": "A", "influence": "medium", "relationship_strength": 3, "reports_to": b.pk}
    )
    assert response.status_code == 200
    assert "reporting loop" in response.text
    a.refresh_from_db()
    assert a.reports_to is None


def test_the_loop_check_reads_the_chart_once_however_deep(
    client, org_a, account, django_assert_max_num_queries
):
    top = make_contact(account, "Top")
    boss = top
    for n in range(300):
        boss = Contact.objects.create(
            tenant=account.tenant, account=account, name=f"C{n}", reports_to=boss
        )
    client.force_login(org_a.admin.user)
    url = f"/o/{org_a.tenant.slug}/accounts/{account.pk}/stakeholders/{top.pk}/edit/"
    data = {"name": "Top", "influence": "medium", "relationship_strength": 3, "reports_to": boss.pk}
    # session, tenant, membership, RLS, account, contact, reports-to choice, the chart, the
    # page's own reads: a fixed number, not one per level of the chain
    with django_assert_max_num_queries(20):
        response = client.post(url, data)
    assert "reporting loop" in response.text
