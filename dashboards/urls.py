"""Dashboard URLs, mounted under /o/<slug>/."""

from django.urls import path

from dashboards import views

urlpatterns = [
    path("team/", views.team_dashboard, name="team"),
    path("team/<int:membership_pk>/", views.kam_page, name="team-kam"),
    path("leadership/", views.leadership, name="leadership"),
    path("leadership/reports/", views.state_report_now, name="state-report-now"),
    path(
        "leadership/reports/<int:statereport_pk>.pdf",
        views.state_report_download,
        name="state-report",
    ),
]
