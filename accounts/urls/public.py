"""Account pages reached without signing in, mounted at the site root: the customer survey
and the plan shared with the customer."""

from django.urls import path

from accounts.views import sharing, surveys

urlpatterns = [
    path("s/<str:token>/", surveys.survey, name="survey"),
    path("p/<str:token>/", sharing.shared_plan, name="shared-plan"),
]
