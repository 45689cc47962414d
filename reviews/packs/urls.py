"""The committee pack pages declare their URLs on their views (reviews/packs/views.py, ADR 0029)."""

from reviews.packs.views import routes

urlpatterns = routes.urlpatterns
