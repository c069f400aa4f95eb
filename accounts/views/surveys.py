"""Asking a customer contact for feedback, and the page where they answer (no login)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts import surveys
from accounts.access import account_access, get_child_or_404
from accounts.forms.relations import FeedbackForm, SurveyAnswerForm, SurveyRequestForm
from accounts.models import KeyAccount, SurveyRequest
from accounts.views.relations import feedback_context
from accounts.views.tabs import render_tab
from kamapp.access import Access
from kamapp.http import TenantRequest, htmx_partial


def _back_to_feedback(
    request: TenantRequest, access: Access[KeyAccount], survey_form=None
) -> HttpResponse:
    account = access.obj
    if not htmx_partial(request) and survey_form is None:
        return redirect("account-feedback", slug=request.tenant.slug, keyaccount_pk=account.pk)
    context = {**feedback_context(account), "form": FeedbackForm(account=account)}
    if survey_form is not None:
        context["survey_form"] = survey_form
    return render_tab(request, access, "feedback", context)


@require_POST
def survey_request(request: TenantRequest, slug: str, keyaccount_pk: int) -> HttpResponse:
    access = account_access(request.membership, keyaccount_pk, edit=True)
    form = SurveyRequestForm(request.POST, account=access.obj)
    if not form.is_valid():
        return _back_to_feedback(request, access, form)
    contact = form.cleaned_data["contact"]
    surveys.request(access.obj, contact, request.user)
    messages.success(request, f"Survey on its way to {contact.name} ({contact.email}).")
    return _back_to_feedback(request, access)


@require_POST
def survey_withdraw(
    request: TenantRequest, slug: str, keyaccount_pk: int, surveyrequest_pk: int
) -> HttpResponse:
    access = account_access(request.membership, keyaccount_pk, edit=True)
    survey = get_child_or_404(SurveyRequest, access.obj, surveyrequest_pk, answered_at=None)
    surveys.withdraw(survey, request.user)
    messages.success(request, f"Survey to {survey.email} withdrawn: its link no longer works.")
    return _back_to_feedback(request, access)


@never_cache
@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    found = surveys.resolve(token)
    if found is None:
        return render(request, "accounts/survey_invalid.html", status=404)
    context = {"survey": found, "tenant": found.account.tenant}
    if found.answered_at:
        return render(request, "accounts/survey_thanks.html", context)
    form = SurveyAnswerForm(
        request.POST if request.method == "POST" else None,
        about_kam=found.about_kam,
        qbr=found.qbr,
    )
    if request.method == "POST" and form.is_valid():
        surveys.answer(found, **form.cleaned_data)
        return redirect("survey", token=token)
    return render(request, "accounts/survey.html", {**context, "form": form})
