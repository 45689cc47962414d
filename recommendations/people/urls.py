"""The people pages declare their URLs on their views (recommendations/people/views.py, ADR 0029)."""

from recommendations.people.views import routes

urlpatterns = routes.urlpatterns
