"""The accounts app's mails: new high-risk alerts to their owner, supervisors' daily digests,
and customer surveys. The callers claim the rows; these compose the mail and queue it in the
same transaction (`kamapp.outbox`), so the claim and the mail commit together.

What concerns an account's owner (a new alert, a survey answered, a customer's answer on the
shared plan) is also an in-app notification (`kamapp.notifications`); the owner is mailed at
once only when that is their choice for the kind."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import RiskAlert, SharedPlan, SurveyRequest
from kamapp import notifications, outbox
from kamapp.members import team
from kamapp.models import Membership, Tenant

ALERT = "alert"
SURVEY_ANSWERED = "survey_answered"
PLAN_ANSWERED = "plan_answered"


def register() -> None:
    notifications.register(ALERT, "A high-risk alert opens on an account I own")
    notifications.register(SURVEY_ANSWERED, "A customer answers a feedback survey on my account")
    notifications.register(PLAN_ANSWERED, "A customer answers on an account plan I shared")


def _link(name: str, *args) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=args)


def new_alerts(tenant: Tenant, alerts: list[RiskAlert]) -> None:
    """A notification per alert to their owner (all theirs), and one mail if they want it."""
    owner = alerts[0].owner
    mail_to = []
    for alert in alerts:
        mail_to = notifications.notify(
            [owner],
            ALERT,
            f"alert:{alert.pk}",
            f"New {alert.get_severity_display().lower()} alert on {alert.account.name}: "
            f"{alert.message}",
            reverse("account-health", args=[tenant.slug, alert.account_id]),
        )
    if not mail_to:
        return
    user = owner.user
    context = {
        "user": user,
        "alerts": alerts,
        "tenant": tenant,
        "link": _link("alert-list", tenant.slug),
    }
    outbox.queue(
        tenant.pk,
        f"new-alerts:{min(alert.pk for alert in alerts)}",  # an alert is mailed in one batch
        [user.email],
        f"{len(alerts)} new high-risk alert{'s' if len(alerts) > 1 else ''} on your accounts",
        render_to_string("accounts/email/new_alerts.txt", context),
    )


def digest(tenant: Tenant, supervisor: Membership, alerts: list[RiskAlert], day) -> None:
    """A supervisor's digest of their team's live alerts."""
    context = {
        "user": supervisor.user,
        "alerts": alerts,
        "tenant": tenant,
        "link": _link("alert-list", tenant.slug),
        "team": team(supervisor),
    }
    outbox.queue(
        tenant.pk,
        f"digest:{supervisor.pk}:{day}",
        [supervisor.user.email],
        f"Your team's open alerts: {len(alerts)}",
        render_to_string("accounts/email/digest.txt", context),
    )


def survey(survey: SurveyRequest, reminder: bool = False) -> None:
    """The survey's signed link to its contact (or the one reminder)."""
    tenant = survey.account.tenant
    context = {
        "survey": survey,
        "tenant": tenant,
        "link": _link("survey", survey.token()),
        "reminder": reminder,
    }
    outbox.queue(
        tenant.pk,
        f"survey:{survey.pk}:{'reminder' if reminder else 'request'}",
        [survey.email],
        ("Reminder: " if reminder else "")
        + (
            f"How useful was our business review for {survey.account.name}?"
            f" Three questions from {tenant.name}"
            if survey.qbr_id
            else f"How are we doing for {survey.account.name}? Two questions from {tenant.name}"
        ),
        render_to_string("accounts/email/survey.txt", context),
    )


def shared_plan(link: SharedPlan) -> None:
    """The plan's signed link to the contact it was shared with."""
    tenant = link.account.tenant
    context = {"link": link, "tenant": tenant, "url": _link("shared-plan", link.token())}
    outbox.queue(
        tenant.pk,
        f"shared-plan:{link.pk}",
        [link.email],
        f"Our joint plan for {link.account.name}, from {tenant.name}",
        render_to_string("accounts/email/shared_plan.txt", context),
    )


def survey_answered(survey: SurveyRequest, feedback) -> None:
    """Tell the account's owner a customer answered their survey."""
    account = survey.account
    text = f"{survey.contact.name} answered the feedback survey for {account.name}"
    args = [account.tenant.slug, account.pk]
    path = reverse("account-feedback", args=args)
    if not notifications.notify(
        [account.owner], SURVEY_ANSWERED, f"survey:{survey.pk}", text, path
    ):
        return
    context = {"survey": survey, "feedback": feedback, "url": _link("account-feedback", *args)}
    outbox.queue(
        account.tenant_id,
        f"survey-answered:{survey.pk}",
        [account.owner.user.email],
        text,
        render_to_string("accounts/email/survey_answered.txt", context),
    )


def plan_answer(link: SharedPlan, key: str, what: str, comment: str) -> None:
    """Tell the account's owner what the customer did on the shared plan."""
    account = link.account
    text = f"{link.contact.name} {what} on the plan shared for {account.name}"
    path = reverse("account-joint-plan", args=[account.tenant.slug, account.pk])
    if not notifications.notify([account.owner], PLAN_ANSWERED, f"plan:{key}", text, path):
        return
    context = {
        "link": link,
        "what": what,
        "comment": comment,
        "url": _link("account-joint-plan", account.tenant.slug, account.pk),
    }
    outbox.queue(
        account.tenant_id,
        f"plan-answer:{key}",
        [account.owner.user.email],
        f"{link.contact.name} {what}",
        render_to_string("accounts/email/plan_answer.txt", context),
    )
