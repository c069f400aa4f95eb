"""Customer feedback surveys: a signed link mailed to a contact, answered without an account.

The link carries (tenant, request, nonce) signed with Django's signing; it expires
`SURVEY_MAX_AGE` after the last mail, works once, and a withdrawn request stops it. Its mails
are queued with the row (`kamapp.outbox`): a retry or a re-run never mails twice.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts import notify
from accounts.models import Contact, CustomerFeedback, KeyAccount, SurveyRequest
from kamapp.audit import record
from kamapp.rls import tenant_context


def askable(tenant, accounts) -> QuerySet[Contact]:
    """The contacts of `accounts` a survey can go to: with an email, none open for them."""
    return (
        Contact.objects.for_tenant(tenant)
        .filter(account__in=accounts)
        .exclude(email="")
        .exclude(pk__in=SurveyRequest.objects.for_tenant(tenant).open().values("contact_id"))
    )


def request(account: KeyAccount, contact: Contact, actor) -> SurveyRequest:
    """Create the request and queue its mail, sent once the transaction commits."""
    survey = SurveyRequest.objects.create(
        tenant_id=account.tenant_id,
        account=account,
        contact=contact,
        email=contact.email,
        requested_by=actor,
        sent_at=timezone.now(),
    )
    record(account.tenant, actor, "survey.request", survey, {"email": contact.email})
    notify.survey(survey)
    return survey


def remind(tenant) -> int:
    """One reminder for each survey left unanswered for a week, claimed by `reminded_at`."""
    due = SurveyRequest.objects.for_tenant(tenant).due_reminder().select_related("account__tenant")
    reminded = 0
    for survey in due:
        if SurveyRequest.objects.filter(pk=survey.pk, reminded_at=None).update(
            reminded_at=timezone.now()
        ):
            notify.survey(survey, reminder=True)
            reminded += 1
    return reminded


def withdraw(survey: SurveyRequest, actor) -> None:
    SurveyRequest.objects.filter(pk=survey.pk, answered_at=None).update(revoked_at=timezone.now())
    record(survey.account.tenant, actor, "survey.withdraw", survey, {"email": survey.email})


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
        notify.survey_answered(survey, feedback)
    return True
