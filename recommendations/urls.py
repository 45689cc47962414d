from django.urls import path

from recommendations.views import pages

urlpatterns = [
    path("", pages.home, name="home"),
    path("accessibility/", pages.accessibility, name="accessibility"),
    path("challenges/<slug:slug>/", pages.challenge_detail, name="challenge"),
    path(
        "challenges/<slug:slug>/recommendations/<int:number>/",
        pages.recommendation_detail,
        name="recommendation",
    ),
]

# Officers' updates, sign-off and coordinator edits (views/actions.py).
urlpatterns += []

# Dashboards, action plan table, portfolio, search (views/dashboards.py).
urlpatterns += []

# Import and export of recommendations and action plans (views/imports.py).
urlpatterns += []
