"""The committee meeting pages declare their URLs on their views (reviews/meetings/views.py, ADR 0029)."""

from reviews.meetings.views import routes

urlpatterns = routes.urlpatterns
