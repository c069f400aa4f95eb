"""Dashboard URLs, mounted under /o/<slug>/."""

from django.urls import path

from dashboards import views

urlpatterns = [
    path("team/", views.team_dashboard, name="team"),
    path("team/<int:membership_pk>/", views.kam_page, name="team-kam"),
    path("leadership/", views.leadership, name="leadership"),
]
