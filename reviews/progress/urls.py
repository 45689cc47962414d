"""URLs of the progress review pages (reviews/progress/views.py)."""

from django.urls import include, path

from reviews.progress import views

# Under challenges/<slug>/progress-review/<pk>/.
review_urls = [
    path("", views.review_detail, name="review_detail"),
    path("edit/", views.review_edit, name="review_edit"),
    path("feedback/", views.review_feedback, name="review_feedback"),
    path("themes/new/", views.review_theme, name="review_theme_add"),
    path("themes/<id:theme_pk>/", views.review_theme, name="review_theme"),
    path("themes/<id:theme_pk>/actions/new/", views.follow_up_action_add, name="follow_up_action_add"),
    path("statement/", views.statement_edit, name="statement_edit"),
    path("statement/prefill/", views.statement_prefill, name="statement_prefill"),
    path("statement/evidence/", views.statement_evidence_add, name="statement_evidence_add"),
    path("statement/evidence/<id:evidence_pk>/remove/", views.statement_evidence_remove,
         name="statement_evidence_remove"),
    path("statement/approve/", views.statement_approve, name="statement_approve"),
    path("position-statement.pdf", views.statement_pdf, name="statement_pdf"),
    path("guests/", views.guest_list, name="guest_list"),
    path("guests/<id:access_pk>/end/", views.guest_end, name="guest_end"),
]

urlpatterns = [
    path("challenges/<slug:slug>/progress-review/", views.review_index, name="review_index"),
    path("challenges/<slug:slug>/progress-review/schedule/", views.review_schedule, name="review_schedule"),
    path("challenges/<slug:slug>/progress-review/<id:pk>/", include(review_urls)),
    path("guest/choose-password/<uidb64>/<token>/", views.GuestSetPasswordView.as_view(), name="guest_set_password"),
]
