from django.urls import path

from accounts.urls.detail import ACCOUNT
from accounts.views import qbr

QBR = ACCOUNT + "qbrs/<int:interaction_pk>/"

urlpatterns = [
    path(ACCOUNT + "qbrs/new/", qbr.qbr_new, name="qbr-new"),
    path(QBR, qbr.qbr_detail, name="qbr-detail"),
    path(QBR + "edit/", qbr.qbr_edit, name="qbr-edit"),
    path(QBR + "commitments/", qbr.qbr_commitment, name="qbr-commitment"),
    path(QBR + "rating/", qbr.qbr_rating_request, name="qbr-rating-request"),
]
