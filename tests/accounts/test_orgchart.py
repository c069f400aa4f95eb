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
