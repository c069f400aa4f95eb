"""Account pages reached without signing in, mounted at the site root: the customer survey."""

from django.urls import path

from accounts.views import surveys

urlpatterns = [
    path("s/<str:token>/", surveys.survey, name="survey"),
]
