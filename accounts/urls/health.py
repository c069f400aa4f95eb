from django.urls import path

from accounts.urls.detail import ACCOUNT
from accounts.views import health

urlpatterns = [
    path(ACCOUNT + "health/", health.account_health, name="account-health"),
    path("alerts/", health.alert_list, name="alert-list"),
    path("alerts/<int:riskalert_pk>/", health.alert_act, name="alert-act"),
    path("settings/health/", health.health_settings, name="health-settings"),
    path("settings/health/recalculate/", health.health_recalculate, name="health-recalculate"),
    path("settings/health/jobs/<str:job>/", health.health_job, name="health-job"),
]
