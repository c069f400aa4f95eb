from django.urls import path

from accounts.forms.relations import (
    ContactForm,
    FeedbackForm,
    FinancialPeriodForm,
    InteractionForm,
    RenewalForm,
)
from accounts.models import Contact, CustomerFeedback, FinancialPeriod, Interaction, Renewal
from accounts.urls.detail import ACCOUNT
from accounts.views import relations, surveys
from accounts.views.tabs import edit_view

urlpatterns = [
    path(ACCOUNT + "stakeholders/", relations.stakeholders, name="account-stakeholders"),
    path(
        ACCOUNT + "stakeholders/<int:contact_pk>/edit/",
        edit_view(Contact, ContactForm, "stakeholders", "contact"),
        name="contact-edit",
    ),
    path(ACCOUNT + "interactions/", relations.interactions, name="account-interactions"),
    path(
        ACCOUNT + "interactions/<int:interaction_pk>/edit/",
        edit_view(Interaction, InteractionForm, "interactions", "interaction"),
        name="interaction-edit",
    ),
    path(
        ACCOUNT + "interactions/<int:interaction_pk>/delete/",
        relations.interaction_delete,
        name="interaction-delete",
    ),
    path(ACCOUNT + "financials/", relations.financial_periods, name="account-financials"),
    path(
        ACCOUNT + "financials/<int:financialperiod_pk>/edit/",
        edit_view(FinancialPeriod, FinancialPeriodForm, "financials", "financials"),
        name="financial-edit",
    ),
    path(ACCOUNT + "renewals/", relations.renewal_create, name="renewal-create"),
    path(
        ACCOUNT + "renewals/<int:renewal_pk>/edit/",
        edit_view(Renewal, RenewalForm, "financials", "renewal"),
        name="renewal-edit",
    ),
    path(ACCOUNT + "feedback/", relations.feedback, name="account-feedback"),
    path(
        ACCOUNT + "feedback/<int:customerfeedback_pk>/edit/",
        edit_view(CustomerFeedback, FeedbackForm, "feedback", "feedback"),
        name="feedback-edit",
    ),
    path(ACCOUNT + "feedback/surveys/", surveys.survey_request, name="survey-request"),
    path(
        ACCOUNT + "feedback/surveys/<int:surveyrequest_pk>/withdraw/",
        surveys.survey_withdraw,
        name="survey-withdraw",
    ),
    path(ACCOUNT + "history/", relations.history, name="account-history"),
]
