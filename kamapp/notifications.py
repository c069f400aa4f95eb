"""In-app notifications and how each member wants to hear of them.

Apps register their kinds (`register`) and call `notify` where they used to mail: every
recipient gets the notification in the app (the bell), and `notify` answers who asked for it
by mail at once, so the app's own mail path (`accounts/notify.py`, `reviews/notify.py`) mails
only them. Those who chose the daily digest get one mail a day (`send_digest`); the others
see it in the app only. The navigation counts the unread on an index (`kamapp.navigation`).
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from kamapp import navigation, outbox
from kamapp.models import Membership, Notification, NotificationPreference, NotifyBy, Tenant

TOPIC = "notifications"  # the navigation's bell (`kamapp.navigation`)
DIGEST_MAX = 200  # a digest lists at most this many; the rest are in the app


@dataclass(frozen=True)
class Kind:
    label: str
    default: str = NotifyBy.MAIL


KINDS: dict[str, Kind] = {}


def register(kind: str, label: str, default: str = NotifyBy.MAIL) -> None:
    KINDS[kind] = Kind(label, default)


def preferences(membership: Membership) -> dict[str, str]:
    """The member's choice per registered kind (the default where they made none)."""
    chosen = dict(
        NotificationPreference.objects.filter(
            tenant_id=membership.tenant_id, membership=membership
        ).values_list("kind", "delivery")
    )
    return {kind: chosen.get(kind, spec.default) for kind, spec in KINDS.items()}


@transaction.atomic
def set_preferences(membership: Membership, choices: dict[str, str]) -> None:
    for kind, delivery in choices.items():
        NotificationPreference.objects.update_or_create(
            tenant_id=membership.tenant_id,
            membership=membership,
            kind=kind,
            defaults={"delivery": delivery},
        )


def notify(
    recipients: Sequence[Membership], kind: str, key: str, text: str, url: str = ""
) -> list[Membership]:
    """Notify each recipient once per `key`; the recipients who want this kind mailed at once
    (the caller mails them). Call it in the tenant's context, in the caller's transaction."""
    if not recipients:
        return []
    tenant_id = recipients[0].tenant_id
    chosen = dict(
        NotificationPreference.objects.filter(
            tenant_id=tenant_id, membership__in=recipients, kind=kind
        ).values_list("membership_id", "delivery")
    )
    default = KINDS[kind].default
    rows = [
        Notification(
            tenant_id=tenant_id,
            recipient=member,
            kind=kind,
            key=key[:200],
            text=outbox.header_safe(text)[:300],
            url=url,
            delivery=chosen.get(member.pk, default),
        )
        for member in recipients
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    navigation.changed(TOPIC, tenant_id)
    return [row.recipient for row in rows if row.delivery == NotifyBy.MAIL]


def for_member(membership: Membership) -> QuerySet[Notification]:
    return Notification.objects.filter(tenant_id=membership.tenant_id, recipient=membership)


def unread(membership: Membership) -> QuerySet[Notification]:
    """For the navigation's bell (counted on the index of unread rows per member)."""
    return for_member(membership).filter(read_at=None)


def mark_read(membership: Membership, pk: int | None = None) -> int:
    """Mark one of the member's notifications read (`pk`), or all of them; how many changed.
    Someone else's notification is never found."""
    unread = for_member(membership).filter(read_at=None)
    if pk is not None:
        unread = unread.filter(pk=pk)
    marked = unread.update(read_at=timezone.now())
    if marked:
        navigation.changed(TOPIC, membership.tenant_id)
    return marked


def send_digests(tenant: Tenant, day: datetime.date) -> int:
    """Each member's digest of what came for them since their last one; how many mails.
    The notifications are claimed (`digested_at`) in the transaction that queues the mail,
    so a re-run sends nothing twice; what they already read in the app is left out."""
    pending = Notification.objects.filter(tenant=tenant, delivery=NotifyBy.DIGEST, digested_at=None)
    sent = 0
    for recipient_id in set(pending.values_list("recipient_id", flat=True)):
        with transaction.atomic():
            rows = list(
                pending.filter(recipient_id=recipient_id)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("recipient__user")
                .order_by("created_at")
            )
            if not rows:
                continue
            Notification.objects.filter(pk__in=[row.pk for row in rows]).update(
                digested_at=timezone.now()
            )
            unread = [row for row in rows if row.read_at is None]
            if unread and _mail_digest(tenant, unread, day):
                sent += 1
    return sent


def _mail_digest(tenant: Tenant, rows: list[Notification], day: datetime.date) -> bool:
    recipient = rows[0].recipient
    site = settings.SITE_URL.rstrip("/")
    context = {
        "tenant": tenant,
        "user": recipient.user,
        "rows": rows[:DIGEST_MAX],
        "more": max(0, len(rows) - DIGEST_MAX),
        "site": site,
        "day": day,
    }
    mail = outbox.queue(
        tenant.pk,
        f"notification-digest:{recipient.pk}:{rows[0].pk}",
        [recipient.user.email],
        f"{len(rows)} update{'s' if len(rows) > 1 else ''} in {tenant.name}",
        render_to_string("kamapp/email/notification_digest.txt", context),
    )
    return mail is not None
