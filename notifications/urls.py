"""The notification pages declare their URLs on their views (notifications/views.py, ADR 0029)."""

from notifications.views import routes

urlpatterns = routes.urlpatterns
