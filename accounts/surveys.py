"""Customer feedback surveys: a signed link mailed to a contact, answered without an account.

The link carries (tenant, request, nonce) signed with Django's signing; it expires
`SURVEY_MAX_AGE` after the last mail, works once, and a withdrawn request stops it. Mails go
through Celery tasks that claim the row first, so a retry or a re-run never mails twice.
"""

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Contact, CustomerFeedback, KeyAccount, SurveyRequest
from kamapp.audit import record
from kamapp.inputs import header_safe
from kamapp.rls import tenant_context


def open_requests(tenant) -> QuerySet[SurveyRequest]:
    """Requests not yet answered or withdrawn (one per contact at most)."""
    return SurveyRequest.objects.for_tenant(tenant).filter(answered_at=None, revoked_at=None)


def askable(tenant, accounts) -> QuerySet[Contact]:
    """The contacts of `accounts` a survey can go to: with an email, none open for them."""
    return (
        Contact.objects.for_tenant(tenant)
        .filter(account__in=accounts)
        .exclude(email="")
        .exclude(pk__in=open_requests(tenant).values("contact_id"))
    )


def request(account: KeyAccount, contact: Contact, actor) -> SurveyRequest:
    """Create the request and mail it once the transaction commits."""
    from accounts.tasks import send_survey

    survey = SurveyRequest.objects.create(
        tenant_id=account.tenant_id,
        account=account,
        contact=contact,
        email=contact.email,
        requested_by=actor,
    )
    record(account.tenant, actor, "survey.request", survey, {"email": contact.email})
    send_survey.delay_on_commit(account.tenant_id, survey.pk)
    return survey


def withdraw(survey: SurveyRequest, actor) -> None:
    SurveyRequest.objects.filter(pk=survey.pk, answered_at=None).update(revoked_at=timezone.now())
    record(survey.account.tenant, actor, "survey.withdraw", survey, {"email": survey.email})


def mail(survey: SurveyRequest, reminder: bool = False) -> None:
    link = settings.SITE_URL.rstrip("/") + reverse("survey", args=[survey.token()])
    tenant = survey.account.tenant
    context = {"survey": survey, "tenant": tenant, "link": link, "reminder": reminder}
    send_mail(
        subject=header_safe(
            ("Reminder: " if reminder else "")
            + f"How are we doing for {survey.account.name}? Two questions from {tenant.name}"
        ),
        message=render_to_string("accounts/email/survey.txt", context),
        from_email=None,
        recipient_list=[survey.email],
    )


def resolve(token: str) -> SurveyRequest | None:
    """The survey a token names (answered or not), or None when the token is bad, expired or
    withdrawn."""
    return SurveyRequest.from_token(
        token,
        settings.SURVEY_MAX_AGE,
        SurveyRequest.objects.filter(revoked_at=None)
        .exclude(sent_at=None)
        .select_related("account__tenant", "contact"),
    )


def answer(survey: SurveyRequest, nps: int, csat: int | None, comment: str) -> bool:
    """Record the customer's answer once; False when the survey was already answered (a
    double submit, or two tabs) and nothing was written."""
    with transaction.atomic(), tenant_context(survey.tenant_id):
        now = timezone.now()
        claimed = SurveyRequest.objects.filter(
            pk=survey.pk, answered_at=None, revoked_at=None
        ).update(answered_at=now)
        if not claimed:
            return False
        feedback = CustomerFeedback.objects.create(
            tenant_id=survey.tenant_id,
            account_id=survey.account_id,
            contact_id=survey.contact_id,
            date=timezone.localdate(now),
            nps=nps,
            csat=csat,
            comment=comment,
            source=CustomerFeedback.Source.SURVEY,
        )
        SurveyRequest.objects.filter(pk=survey.pk).update(feedback=feedback)
        record(
            survey.account.tenant,
            None,
            "survey.answer",
            feedback,
            {"nps": nps, "csat": csat, "email": survey.email},
        )
    return True


def due_reminders(tenant) -> list[int]:
    """Requests mailed at least a week ago, unanswered, unexpired and not yet reminded."""
    now = timezone.now()
    return list(
        open_requests(tenant)
        .filter(
            sent_at__lte=now - SurveyRequest.REMIND_AFTER,
            sent_at__gt=now - datetime.timedelta(seconds=settings.SURVEY_MAX_AGE),
            reminded_at=None,
        )
        .values_list("pk", flat=True)
    )
