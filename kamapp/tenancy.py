"""The first tenancy wall: `/o/<slug>/` resolves to a tenant the user belongs to, or 404."""

import re

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse

from kamapp.models import Membership, Tenant
from kamapp.rls import tenant_context

TENANT_PATH = re.compile(r"^/o/(?P<slug>[-a-zA-Z0-9_]+)/")


class TenantMiddleware:
    """Sets `request.tenant` and `request.membership` and runs the request inside that
    tenant's RLS context (one transaction). Outside `/o/`, signed-in users still get a context
    with no tenant, in which they can read only their own memberships."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.tenant = None
        request.membership = None
        match = TENANT_PATH.match(request.path_info)
        user_id = request.user.pk if request.user.is_authenticated else None
        if match is None:
            if user_id is None:
                return self.get_response(request)
            with tenant_context(None, user_id):
                return self.get_response(request)
        if user_id is None:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        tenant = Tenant.objects.filter(slug=match["slug"]).first()
        if tenant is None:
            raise Http404("No such organisation.")
        with tenant_context(tenant.pk, user_id):
            membership = (
                Membership.objects.for_tenant(tenant).active().filter(user_id=user_id).first()
            )
            if membership is None:
                raise Http404("No such organisation.")
            # the rows already read: pages that reach them through the membership ask again
            membership.tenant, membership.user = tenant, request.user
            request.tenant = tenant
            request.membership = membership
            return self.get_response(request)
