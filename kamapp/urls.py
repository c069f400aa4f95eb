"""The project's URLconf (ROOT_URLCONF): the core app's routes, and each app's URLconf
included by its dotted name, so kamapp imports no app (the layer contract in pyproject.toml).
"""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from kamapp import views

# Tenant pages: every pattern here is walked by tests/security/test_cross_tenant.py.
# Object ids are named `<model_name>_pk` so the sweep can find an object of the right kind.
tenant_patterns = [
    path("settings/members/", views.member_list, name="member-list"),
    path("settings/members/<int:membership_pk>/", views.member_edit, name="member-edit"),
    path(
        "settings/members/<int:membership_pk>/active/",
        views.member_toggle_active,
        name="member-toggle-active",
    ),
    path(
        "settings/invitations/<int:invitation_pk>/revoke/",
        views.invitation_revoke,
        name="invitation-revoke",
    ),
    path("settings/audit/", views.audit_log, name="audit-log"),
    path("search/", views.search_page, name="search"),
    path("notifications/", views.notification_list, name="notification-list"),
    path("notifications/read/", views.notification_read_all, name="notification-read-all"),
    path(
        "notifications/<int:notification_pk>/read/",
        views.notification_read,
        name="notification-read",
    ),
    path("notifications/settings/", views.notification_settings, name="notification-settings"),
    path("", include("accounts.urls")),
    path("", include("rpm.urls")),
    path("", include("reviews.urls")),
    path("", include("dashboards.urls")),
]

urlpatterns = [
    path("favicon.ico", views.favicon),
    path("", views.home, name="home"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", views.PasswordResetRequestView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("organisations/", views.switch_tenant, name="tenant-switch"),
    path("invite/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("", include("accounts.urls.public")),  # the survey /s/<token>/, shared plan /p/<token>/
    path("healthz", views.healthz, name="healthz"),
    path("o/<slug:slug>/", include(tenant_patterns)),
]

handler404 = "kamapp.errors.not_found"
handler403 = "kamapp.errors.forbidden"
handler500 = "kamapp.errors.server_error"
