from django.urls import path

from accounts.urls.detail import ACCOUNT
from rpm import views

urlpatterns = [
    path("rpm/", views.portfolio_matrix, name="rpm-matrix"),
    path("rpm/cell/", views.matrix_cell, name="rpm-cell"),
    path("settings/rpm/", views.rpm_settings, name="rpm-settings"),
    path(ACCOUNT + "rpm/", views.account_rpm, name="account-rpm"),
    path(ACCOUNT + "rpm/target/", views.account_target, name="account-rpm-target"),
    path(ACCOUNT + "rpm/suggest/", views.suggest_stage, name="account-rpm-suggest"),
]
