"""The accounts app's mails: new high-risk alerts to their owner, supervisors' daily digests,
and customer surveys. The callers claim the rows; these compose the mail and queue it in the
same transaction (`kamapp.outbox`), so the claim and the mail commit together."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import RiskAlert, SharedPlan, SurveyRequest
from kamapp import outbox
from kamapp.members import team
from kamapp.models import Membership, Tenant


def _link(name: str, *args) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=args)


def new_alerts(tenant: Tenant, alerts: list[RiskAlert]) -> None:
    """One mail to the owner of `alerts` (all theirs)."""
    user = alerts[0].owner.user
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


def plan_answer(link: SharedPlan, key: str, what: str, comment: str) -> None:
    """Tell the account's owner what the customer did on the shared plan."""
    account = link.account
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
