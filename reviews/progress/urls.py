"""The progress review pages declare their URLs on their views (reviews/progress/views.py, ADR 0029); the
guest's choose-password page is a class-based view, so its path is written here."""

from django.urls import URLPattern, path

from reviews.progress import views

urlpatterns: list[URLPattern] = [
    *views.routes.urlpatterns,
    path("guest/choose-password/<uidb64>/<token>/", views.GuestSetPasswordView.as_view(), name="guest_set_password"),
]
