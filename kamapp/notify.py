"""Mails of the core app, composed here and queued with their row (`kamapp.outbox`)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from kamapp import outbox
from kamapp.models import Invitation


def invitation(invitation: Invitation) -> None:
    link = settings.SITE_URL.rstrip("/") + reverse("invitation-accept", args=[invitation.token()])
    context = {"invitation": invitation, "tenant": invitation.tenant, "link": link}
    outbox.queue(
        invitation.tenant_id,
        f"invitation:{invitation.pk}",
        [invitation.email],
        f"You are invited to {invitation.tenant.name} on kamapp",
        render_to_string("kamapp/email/invitation.txt", context),
    )
