from django.urls import path

from reviews import views

REVIEW = "reviews/<int:performancereview_pk>/"

urlpatterns = [
    path("reviews/", views.review_list, name="review-list"),
    path("reviews/cycles/<int:reviewcycle_pk>/delete/", views.cycle_delete, name="cycle-delete"),
    path(
        "reviews/cycles/<int:reviewcycle_pk>/calibration/",
        views.cycle_calibration,
        name="cycle-calibration",
    ),
    path(
        "reviews/cycles/<int:reviewcycle_pk>/packet/",
        views.cycle_packet_now,
        name="cycle-packet-now",
    ),
    path(
        "reviews/cycles/<int:reviewcycle_pk>/packet.pdf",
        views.cycle_packet_download,
        name="cycle-packet",
    ),
    path("reviews/people/<int:membership_pk>/", views.kam_history, name="kam-history"),
    path(REVIEW, views.review_detail, name="review-detail"),
    path(REVIEW + "submit/", views.review_submit, name="review-submit"),
    path(REVIEW + "customer-feedback/", views.review_feedback, name="review-feedback"),
    path(REVIEW + "supervisor-note/", views.review_supervisor_note, name="review-supervisor-note"),
    path(REVIEW + "reviewer/", views.review_reassign, name="review-reassign"),
    path(REVIEW + "calibrate/", views.review_calibrate, name="review-calibrate"),
    path(REVIEW + "sign-off/", views.review_acknowledge, name="review-acknowledge"),
    path(REVIEW + "reopen/", views.review_reopen, name="review-reopen"),
    path(REVIEW + "packet.pdf", views.packet_download, name="review-packet"),
    path("settings/scorecard/", views.scorecard_settings, name="scorecard-settings"),
]
