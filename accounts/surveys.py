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


def request(
    account: KeyAccount, contact: Contact, actor, about_kam=None, qbr=None
) -> SurveyRequest:
    """Create the request and queue its mail, sent once the transaction commits. With
    `about_kam` (a membership) the survey also asks what working with that KAM is worth; with
    `qbr`, how useful that QBR was."""
    survey = SurveyRequest.objects.create(
        tenant_id=account.tenant_id,
        account=account,
        contact=contact,
        email=contact.email,
        requested_by=actor,
        about_kam=about_kam,
        sent_at=timezone.now(),
        qbr=qbr,
    )
    changes = {"email": contact.email, **({"qbr": qbr.pk} if qbr else {})}
    record(account.tenant, actor, "survey.request", survey, changes)
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
        .select_related("account__tenant", "contact", "about_kam__user", "qbr"),
    )


def answer(
    survey: SurveyRequest,
    nps: int,
    csat: int | None,
    comment: str,
    kam_value: int | None = None,
    qbr_rating: int | None = None,
) -> bool:
    """Record the customer's answer once (with their rating of the KAM or the QBR the survey
    asks about); False when the survey was already answered (a double submit, or two tabs) and
    nothing was written."""
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
            kam_id=survey.about_kam_id,
            kam_value=kam_value if survey.about_kam_id else None,
            qbr_id=survey.qbr_id,
            qbr_rating=qbr_rating if survey.qbr_id else None,
        )
        SurveyRequest.objects.filter(pk=survey.pk).update(feedback=feedback)
        record(
            survey.account.tenant,
            None,
            "survey.answer",
            feedback,
            {
                "nps": nps,
                "csat": csat,
                "kam_value": kam_value,
                "qbr_rating": qbr_rating,
                "email": survey.email,
            },
        )
        notify.survey_answered(survey, feedback)
    return True
