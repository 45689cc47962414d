"""URLs of the progress review pages (reviews/progress/views.py)."""

from django.urls import path

from peertrack import inputs
from reviews.progress import views

# "<id:...>": 1 to 19 ASCII digits that fit 64 bits; any other id is a 404 (peertrack/inputs.py).
inputs.register_id_converter()

REVIEW = "challenges/<slug:slug>/progress-review/<id:pk>/"

urlpatterns = [
    path("challenges/<slug:slug>/progress-review/", views.review_index, name="review_index"),
    path("challenges/<slug:slug>/progress-review/schedule/", views.review_schedule, name="review_schedule"),
    path(REVIEW, views.review_detail, name="review_detail"),
    path(REVIEW + "edit/", views.review_edit, name="review_edit"),
    path(REVIEW + "feedback/", views.review_feedback, name="review_feedback"),
    path(REVIEW + "themes/new/", views.review_theme, name="review_theme_add"),
    path(REVIEW + "themes/<id:theme_pk>/", views.review_theme, name="review_theme"),
    path(REVIEW + "themes/<id:theme_pk>/actions/new/", views.follow_up_action_add, name="follow_up_action_add"),
    path(REVIEW + "statement/", views.statement_edit, name="statement_edit"),
    path(REVIEW + "statement/prefill/", views.statement_prefill, name="statement_prefill"),
    path(REVIEW + "statement/evidence/", views.statement_evidence_add, name="statement_evidence_add"),
    path(REVIEW + "statement/evidence/<id:evidence_pk>/remove/", views.statement_evidence_remove,
         name="statement_evidence_remove"),
    path(REVIEW + "statement/approve/", views.statement_approve, name="statement_approve"),
    path(REVIEW + "position-statement.pdf", views.statement_pdf, name="statement_pdf"),
    path(REVIEW + "guests/", views.guest_list, name="guest_list"),
    path(REVIEW + "guests/<id:access_pk>/end/", views.guest_end, name="guest_end"),
    path("guest/choose-password/<uidb64>/<token>/", views.GuestSetPasswordView.as_view(),
         name="guest_set_password"),
]
