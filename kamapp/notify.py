"""Mails of the core app, composed here and sent by its Celery tasks."""

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from kamapp.models import Invitation


def invitation_mail(invitation: Invitation, base_url: str) -> None:
    link = base_url.rstrip("/") + reverse("invitation-accept", args=[invitation.token()])
    context = {"invitation": invitation, "tenant": invitation.tenant, "link": link}
    send_mail(
        subject=f"You are invited to {invitation.tenant.name} on kamapp",
        message=render_to_string("kamapp/email/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )
