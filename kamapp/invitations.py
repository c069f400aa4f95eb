"""Inviting people into a tenant and accepting invitations."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from kamapp import notify
from kamapp.audit import record
from kamapp.models import Invitation, Membership, Role, Tenant, User
from kamapp.rls import tenant_context


def invite(form, tenant: Tenant, actor: User) -> Invitation:
    return send(form.save(commit=False), tenant, actor)


def send(invitation: Invitation, tenant: Tenant, actor: User | None) -> Invitation:
    """Save the invitation and queue its mail, sent when this transaction commits."""
    invitation.tenant = tenant
    invitation.invited_by = actor
    invitation.sent_at = timezone.now()
    invitation.save()
    record(tenant, actor, "invitation.create", invitation, {"role": invitation.role})
    notify.invitation(invitation)
    return invitation


def start_organisation(name: str, admin_email: str) -> Invitation:
    """A new organisation and the invitation of its first admin (`create_organisation`)."""
    slug = slugify(name)[:50]
    if not slug or Tenant.objects.filter(slug=slug).exists():
        raise ValueError(f"An organisation with the address “{slug}” exists already.")
    with transaction.atomic():
        tenant = Tenant.objects.create(name=name, slug=slug)
        with tenant_context(tenant.pk):
            invitation = Invitation(email=admin_email.strip().lower(), role=Role.ADMIN)
            return send(invitation, tenant, None)


def resolve(token: str) -> Invitation | None:
    """The pending invitation a token names, or None when it is bad, expired or used."""
    return Invitation.from_token(
        token,
        settings.INVITATION_MAX_AGE,
        Invitation.objects.filter(accepted_at=None, revoked_at=None).select_related(
            "tenant", "manager"
        ),
    )


def accept(
    invitation: Invitation, user: User | None, full_name: str = "", password: str = ""
) -> Membership:
    """Attach `user` (or a new user made from the form) to the invitation's tenant."""
    with transaction.atomic(), tenant_context(invitation.tenant_id):
        if user is None:
            user = User.objects.create_user(invitation.email, password, full_name=full_name)
        membership, _ = Membership.objects.update_or_create(
            tenant=invitation.tenant,
            user=user,
            defaults={"role": invitation.role, "manager": invitation.manager, "is_active": True},
        )
        Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now())
        record(invitation.tenant, user, "invitation.accept", membership, {"role": membership.role})
    return membership


def revoke(invitation: Invitation, actor: User) -> None:
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record(invitation.tenant, actor, "invitation.revoke", invitation)
