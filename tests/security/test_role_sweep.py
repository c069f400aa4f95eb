"""The role sweep: every URL under /o/<slug>/ × every role, the expected answer from the policy.

One tenant, populated once for the module (each test rolls back its own writes), with one
member per role plus a KAM who looks after none of its accounts. Every route is asked with
GET and with an empty POST. What a member may do comes from `kamapp.policy` and the access
layer, not from a table here:

- the view's role rule (`require_permission` marks the view with its action);
- the objects the route names: an account (or a row of one) must be visible to the member
  (else 404), a review too;
- a write (any POST, and the GET of a form named `…-edit`) needs the right to change those
  objects: `account.edit` for an account and its rows, `review.manage` for a review (or the
  right the view names in `review_right`).

Allowed → 2xx or 3xx (an empty form comes back with its errors, or a redirect with a
message); not allowed → 403 or 404 as above; a method the view does not take → 405 (but
not both). Never 500. New routes are covered without editing this file, as long as their
object ids follow the `<model_name>_pk` naming (see tests/security/routes.py).
"""

import pytest
from django.db import transaction
from django.urls import resolve

from accounts.models import KeyAccount
from kamapp.members import people
from kamapp.models import Membership, Notification, Role, User
from kamapp.policy import can
from reviews.access import visible_reviews
from reviews.models import PerformanceReview, ReviewPacket
from tests.conftest import Org, see_all_tenants
from tests.security.routes import TENANT_MODELS, fill, object_names, populate, tenant_routes

pytestmark = pytest.mark.django_db

OUTSIDER = "kam without accounts"
PERSONAS = [Role.ADMIN, Role.LEADER, Role.SUPERVISOR, Role.KAM, OUTSIDER]
ROUTES = tenant_routes()
ALLOWED = "allowed"

# A row a route acts on must be in a state it acts on: a survey is withdrawn while unanswered,
# the QBR routes take a QBR.
SAMPLE_STATE = {"surveyrequest": {"answered_at": None}, "interaction": {"kind": "qbr"}}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The populated tenant, rolled back when the module is done."""
    with django_db_blocker.unblock(), transaction.atomic():
        see_all_tenants()
        org = Org("sweep", "Sweep Industries")
        populate(org)
        outsider = User.objects.create_user("outsider@sweep.test", "x", full_name="Outsider")
        org.members[OUTSIDER] = Membership.objects.create(
            tenant=org.tenant, user=outsider, role=Role.KAM
        )
        org.account = KeyAccount.objects.for_tenant(org.tenant).order_by("pk").first()
        assert org.account.owner_id == org.kam.pk
        org.review = PerformanceReview.objects.for_tenant(org.tenant).order_by("pk").first()
        # the reviewer's step, where every review route's write right is review.manage
        assert org.review.status == PerformanceReview.Status.MANAGER_REVIEW
        # the packet the worker renders on finalising (a stub): the download has one to serve
        ReviewPacket.objects.create(
            tenant=org.tenant, review=org.review, pdf=b"%PDF-1.7", pages=1, checksum="0" * 64
        )
        yield org
        transaction.set_rollback(True)


def _account_path(model, depth: int = 2) -> str | None:
    """The lookup path from `model` to its key account, following foreign keys."""
    if model is KeyAccount:
        return "pk"
    forward = [f for f in model._meta.get_fields() if f.concrete and f.is_relation]
    for field in forward:
        if field.related_model is KeyAccount:
            return field.name
    for field in forward if depth > 1 else []:
        if field.related_model is not Membership and (
            below := _account_path(field.related_model, depth - 1)
        ):
            return f"{field.name}__{below}"
    return None


def pick(world, route: str):
    """The objects a route names: for a route under an account, rows of the sampled account."""
    under_account = "keyaccount" in object_names(route)

    def choose(model):
        state = SAMPLE_STATE.get(model._meta.model_name, {})
        rows = model.objects.filter(tenant=world.tenant, **state)
        if under_account and (path := _account_path(model)):
            rows = rows.filter(**{path: world.account.pk})
        return rows.order_by("pk").first()

    return choose


def _account_of(obj) -> KeyAccount | None:
    if isinstance(obj, KeyAccount):
        return obj
    return getattr(obj, "account", None)


def _visible(member: Membership, obj) -> bool:
    if account := _account_of(obj):
        return KeyAccount.objects.visible_to(member).filter(pk=account.pk).exists()
    if isinstance(obj, PerformanceReview):
        return visible_reviews(member).filter(pk=obj.pk).exists()
    if isinstance(obj, Membership):  # a colleague's page: only inside the member's tree
        return people(member).filter(pk=obj.pk).exists()
    if isinstance(obj, Notification):
        return obj.recipient_id == member.pk  # one's own only
    return True  # members, invitations, cycles: the tenant's, behind the view's role rule


def _may_change(member: Membership, obj, view) -> bool:
    if account := _account_of(obj):
        return can(member, "account.edit", account)
    if isinstance(obj, PerformanceReview):
        # a view that writes to a review by another right (the KAM's sign-off) names it
        return can(member, getattr(view, "review_right", "review.manage"), obj)
    return True


def expected(view, method: str, member: Membership, objects: list, write: bool) -> int | str:
    actions = getattr(view, "permissions", {}).get(method, [])
    if not all(can(member, action) for action in actions):
        return 403
    if not all(_visible(member, obj) for obj in objects):
        return 404
    if write and not all(_may_change(member, obj, view) for obj in objects):
        return 403
    return ALLOWED


@pytest.mark.parametrize("route", ROUTES)
def test_role_sweep(route, world, client):
    choose = pick(world, route)
    url = fill(route, world.tenant.slug, choose)
    if "<str:job>" in route:  # a recalculation the admin started, as the settings page does
        client.force_login(world.admin.user)
        url = client.post(f"/o/{world.tenant.slug}/settings/health/recalculate/")["Location"]
    match = resolve(url)
    objects = [choose(TENANT_MODELS[name]) for name in object_names(route)]
    for persona in PERSONAS:
        with transaction.atomic():  # one persona's writes are not the next one's world
            _ask(client, url, match, world.members[persona], objects)
            transaction.set_rollback(True)


def _ask(client, url: str, match, member: Membership, objects: list) -> None:
    client.force_login(member.user)
    statuses = {}
    for method in ("GET", "POST"):
        write = method == "POST" or match.url_name.endswith("-edit")
        want = expected(match.func, method, member, objects, write)
        got = getattr(client, method.lower())(url).status_code
        statuses[method] = got
        where = (method, url, member.role, member.user.email, got)
        if got == 405:
            continue
        if want == ALLOWED:
            assert 200 <= got < 400, where
        else:
            assert got == want, (*where, want)
    assert set(statuses.values()) != {405}, (url, statuses)
