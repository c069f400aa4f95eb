from django.urls import path

from accounts.urls.detail import ACCOUNT
from accounts.views import process, sharing

urlpatterns = [
    path("settings/process/", process.process_settings, name="process-settings"),
    path(
        "settings/process/stages/<int:processstage_pk>/",
        process.process_stage_edit,
        name="process-stage-edit",
    ),
    path(
        "settings/process/stages/<int:processstage_pk>/delete/",
        process.process_stage_delete,
        name="process-stage-delete",
    ),
    path(
        "settings/process/items/<int:processitem_pk>/",
        process.process_item_edit,
        name="process-item-edit",
    ),
    path(
        "settings/process/items/<int:processitem_pk>/delete/",
        process.process_item_delete,
        name="process-item-delete",
    ),
    path(ACCOUNT + "process/", process.account_process, name="account-process"),
    path(
        ACCOUNT + "process/items/<int:processitem_pk>/confirm/",
        process.process_confirm,
        name="process-confirm",
    ),
    path(ACCOUNT + "joint-plan/", sharing.joint_plan, name="account-joint-plan"),
    path(
        ACCOUNT + "joint-plan/<int:sharedplan_pk>/revoke/",
        sharing.joint_plan_revoke,
        name="joint-plan-revoke",
    ),
]
