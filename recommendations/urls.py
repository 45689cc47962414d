"""The pages of recommendations/ declare their URLs on their views (peertrack/routing.py, ADR 0029); this module
gathers them."""

from recommendations.setup import views as setup
from recommendations.views import actions, closing, dashboards, deputies, imports, inbox, pages

urlpatterns = [
    *pages.routes.urlpatterns,
    *actions.routes.urlpatterns,
    *dashboards.routes.urlpatterns,
    *inbox.routes.urlpatterns,
    *closing.routes.urlpatterns,
    *deputies.routes.urlpatterns,
    *imports.routes.urlpatterns,
    *setup.routes.urlpatterns,
]
