from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, PasswordResetView
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.templatetags.static import static
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kamapp import history, homes, invitations, members, notifications, search
from kamapp.access import (
    get_membership,
    get_notification,
    get_pending_invitation,
    pending_invitations,
)
from kamapp.forms import (
    AcceptInvitationForm,
    InvitationForm,
    MembershipForm,
    NotificationSettingsForm,
    PasswordResetRequestForm,
    SignInForm,
)
from kamapp.http import TenantRequest, htmx_partial
from kamapp.models import AuditEvent, User
from kamapp.policy import require_permission


class SignInView(LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True


class PasswordResetRequestView(PasswordResetView):
    form_class = PasswordResetRequestForm

    def get_form_kwargs(self) -> dict:
        return {**super().get_form_kwargs(), "request": self.request}


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    # Browsers ask for it wherever a page gave no icon (a PDF opened in a tab, say). The
    # hashed name is looked up per request: at import time the manifest may not exist yet
    # (`manage.py check` before collectstatic).
    return redirect(static("favicon.svg"), permanent=True)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send the user to their tenant, or let them choose when they have several."""
    memberships = list(members.of_user(request.user))
    if len(memberships) == 1:
        return redirect(homes.home_for(memberships[0].role), slug=memberships[0].tenant.slug)
    return render(request, "kamapp/tenant_switch.html", {"memberships": memberships})


@login_required
def switch_tenant(request: HttpRequest) -> HttpResponse:
    return render(
        request, "kamapp/tenant_switch.html", {"memberships": members.of_user(request.user)}
    )


@require_permission("members.view", post="members.manage")
@require_http_methods(["GET", "POST"])
def member_list(request: TenantRequest, slug: str) -> HttpResponse:
    form = InvitationForm(request.POST or None, tenant=request.tenant)
    if request.method == "POST" and form.is_valid():
        invitation = invitations.invite(form, request.tenant, request.user)
        messages.success(request, f"Invitation sent to {invitation.email}.")
        return redirect("member-list", slug=slug)
    context = {
        "memberships": members.listing(request.tenant, request.GET.get("q", "")),
        "invitations": pending_invitations(request.tenant).select_related("invited_by"),
        "form": form,
        "q": request.GET.get("q", ""),
    }
    return render(request, "kamapp/members.html", context)


@require_permission("members.manage")
@require_http_methods(["GET", "POST"])
def member_edit(request: TenantRequest, slug: str, membership_pk: int) -> HttpResponse:
    membership = get_membership(request.tenant, membership_pk)
    form = MembershipForm(request.POST or None, instance=membership)
    if request.method == "POST" and form.is_valid():
        members.update(form, request.user)
        messages.success(request, f"{membership.user} updated.")
        return redirect("member-list", slug=slug)
    return render(request, "kamapp/member_edit.html", {"form": form, "member": membership})


@require_permission("members.manage")
@require_POST
def member_toggle_active(request: TenantRequest, slug: str, membership_pk: int) -> HttpResponse:
    membership = get_membership(request.tenant, membership_pk)
    if membership == request.membership:
        messages.error(request, "You cannot deactivate yourself.")
    else:
        members.set_active(membership, not membership.is_active, request.user)
        state = "reactivated" if membership.is_active else "deactivated"
        messages.success(request, f"{membership.user} {state}.")
    return redirect("member-list", slug=slug)


@require_permission("members.manage")
@require_POST
def invitation_revoke(request: TenantRequest, slug: str, invitation_pk: int) -> HttpResponse:
    invitation = get_pending_invitation(request.tenant, invitation_pk)
    invitations.revoke(invitation, request.user)
    messages.success(request, f"Invitation to {invitation.email} revoked.")
    return redirect("member-list", slug=slug)


@require_permission("audit.view")
@require_GET
def audit_log(request: TenantRequest, slug: str) -> HttpResponse:
    events = AuditEvent.objects.for_tenant(request.tenant)
    return render(
        request, "kamapp/audit_log.html", history.listing(request, events, request.tenant)
    )


@require_GET
def search_page(request: TenantRequest, slug: str) -> HttpResponse:
    """Results as one types (the fragment, to HTMX) or the full page without JavaScript."""
    text = search.cleaned(request.GET.get("q", ""))
    if htmx_partial(request):
        found = search.search(request.membership, text)
        response = render(request, "kamapp/search.html#results", {"found": found, "q": text})
    else:
        found = search.search(request.membership, text, search.PER_KIND_PAGE)
        response = render(request, "kamapp/search.html", {"found": found, "q": text})
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def notification_list(request: TenantRequest, slug: str) -> HttpResponse:
    rows = notifications.for_member(request.membership)
    page = members.paginate(request, rows, per_page=30)
    return render(request, "kamapp/notifications.html", {"page": page})


@require_POST
def notification_read(request: TenantRequest, slug: str, notification_pk: int) -> HttpResponse:
    notification = get_notification(request.membership, notification_pk)
    notifications.mark_read(request.membership, notification.pk)
    return redirect("notification-list", slug=slug)


@require_POST
def notification_read_all(request: TenantRequest, slug: str) -> HttpResponse:
    count = notifications.mark_read(request.membership)
    messages.success(request, f"{count} notification{pluralize(count)} marked as read.")
    return redirect("notification-list", slug=slug)


@require_http_methods(["GET", "POST"])
def notification_settings(request: TenantRequest, slug: str) -> HttpResponse:
    current = notifications.preferences(request.membership)
    form = NotificationSettingsForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        notifications.set_preferences(request.membership, form.cleaned_data)
        messages.success(request, "Notification settings saved.")
        return redirect("notification-settings", slug=slug)
    return render(request, "kamapp/notification_settings.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitations.resolve(token)
    if invitation is None:
        return render(request, "kamapp/invitation_invalid.html", status=404)
    existing = User.objects.filter(email__iexact=invitation.email).first()
    if request.user.is_authenticated and request.user != existing:
        return render(
            request, "kamapp/invitation_wrong_user.html", {"invitation": invitation}, status=403
        )
    data = request.POST if request.method == "POST" else None  # confirming posts no fields
    form = AcceptInvitationForm(
        data, invitation=invitation, existing_user=existing, request=request
    )
    if request.method == "POST" and form.is_valid():
        membership = invitations.accept(invitation, existing, **form.cleaned_data)
        if request.user.is_authenticated:
            members.count_organisations(None, request, request.user)
        else:
            login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome to {invitation.tenant.name}.")
        return redirect("dashboard", slug=invitation.tenant.slug)
    return render(
        request,
        "kamapp/invitation_accept.html",
        {"invitation": invitation, "form": form, "existing": existing},
    )


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # any failure means unhealthy, whatever its type
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        cache.set("healthz", "ok", 5)
        checks["redis"] = "ok" if cache.get("healthz") == "ok" else "error: no read-back"
    except Exception as exc:
        checks["redis"] = f"error: {exc.__class__.__name__}"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )
