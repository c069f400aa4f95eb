from django.urls import path

from accounts.forms.plan import ActionForm, ObjectiveForm
from accounts.models import Action, Objective
from accounts.views import plan
from accounts.views.tabs import edit_view

ACCOUNT = "accounts/<int:keyaccount_pk>/"

urlpatterns = [
    path(ACCOUNT, plan.account_overview, name="account-overview"),
    path(ACCOUNT + "plan/", plan.account_plan, name="account-plan"),
    path(ACCOUNT + "plan/review/", plan.plan_review, name="account-plan-review"),
    path(
        ACCOUNT + "plan/revisions/<int:planrevision_pk>/", plan.plan_revision, name="plan-revision"
    ),
    path(ACCOUNT + "objectives/", plan.account_objectives, name="account-objectives"),
    path(
        ACCOUNT + "objectives/<int:objective_pk>/edit/",
        edit_view(Objective, ObjectiveForm, "objectives", "objective"),
        name="objective-edit",
    ),
    path(ACCOUNT + "objectives/<int:objective_pk>/kpis/", plan.kpi_create, name="kpi-create"),
    path(
        ACCOUNT + "objectives/<int:objective_pk>/achieved/",
        plan.objective_achieved,
        name="objective-achieved",
    ),
    path(
        ACCOUNT + "kpis/<int:kpi_pk>/measurements/",
        plan.measurement_add,
        name="kpi-measurement-add",
    ),
    path(ACCOUNT + "actions/", plan.account_actions, name="account-actions"),
    path(
        ACCOUNT + "actions/<int:action_pk>/",
        edit_view(Action, ActionForm, "actions", "action"),
        name="action-edit",
    ),
    path(ACCOUNT + "actions/<int:action_pk>/status/", plan.action_status, name="action-status"),
]
