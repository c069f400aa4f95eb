from django.urls import path

from accounts.views import accounts, imports, portfolio

urlpatterns = [
    path("", portfolio.dashboard, name="dashboard"),
    path("accounts/", accounts.account_list, name="account-list"),
    path("accounts/new/", accounts.account_create, name="account-create"),
    path("accounts/export.csv", accounts.account_export, name="account-export"),
    path("accounts/import/", imports.account_import, name="account-import"),
    path("contacts/export.csv", imports.contact_export, name="contact-export"),
    path("contacts/import/", imports.contact_import, name="contact-import"),
    path("accounts/<int:keyaccount_pk>/edit/", accounts.account_edit, name="account-edit"),
    path("accounts/<int:keyaccount_pk>/archive/", accounts.account_archive, name="account-archive"),
]
