"""The access layer's shape, and the lookups of the core app's own objects.

Every object a view acts on comes from one lookup per kind (`accounts.access`,
`reviews.access`, here): inside the request's tenant and visible to the member, or 404; where
what the member may do with it matters, the answer is an `Access` computed once and passed
on to the templates. A member without the right to change it gets 403 (`PermissionDenied`).
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from kamapp import members, notifications
from kamapp.models import Invitation, Membership, Notification, Tenant


@dataclass(frozen=True)
class Access[T]:
    """An object the member may see, and whether they may change it."""

    obj: T
    may_edit: bool

    def editable(self) -> T:
        """The object, for a write: 403 when the member may only look."""
        if not self.may_edit:
            raise PermissionDenied
        return self.obj


def grant[T](obj: T, may_edit: bool, *, edit: bool = False) -> Access[T]:
    """The answer of a lookup; `edit=True` is for write views (403 unless `may_edit`)."""
    access = Access(obj, may_edit)
    if edit:
        access.editable()
    return access


def get_membership(tenant: Tenant, pk: int) -> Membership:
    return get_object_or_404(Membership.objects.for_tenant(tenant).select_related("user"), pk=pk)


def pending_invitations(tenant: Tenant) -> QuerySet[Invitation]:
    return Invitation.objects.for_tenant(tenant).filter(accepted_at=None, revoked_at=None)


def get_pending_invitation(tenant: Tenant, pk: int) -> Invitation:
    """An invitation not yet accepted or revoked (a used one is gone: 404)."""
    return get_object_or_404(pending_invitations(tenant), pk=pk)


def get_person(viewer: Membership, pk: int) -> Membership:
    """A member whose page the viewer may open, or 404 (another tenant's or outside the tree)."""
    person = members.people(viewer).filter(pk=pk).first()
    if person is None:
        raise Http404
    return person


def get_notification(membership: Membership, pk: int) -> Notification:
    """One of the member's own notifications (anyone else's: 404)."""
    return get_object_or_404(notifications.for_member(membership), pk=pk)
