from django.urls import path

from peertrack import inputs
from recommendations.views import actions, dashboards, imports, pages

# "<id:...>": 1 to 19 ASCII digits that fit 64 bits; any other id is a 404 (peertrack/inputs.py).
inputs.register_id_converter()

urlpatterns = [
    path("", pages.home, name="home"),
    path("start/", pages.landing, name="landing"),
    path("accessibility/", pages.accessibility, name="accessibility"),
    path("challenges/<slug:slug>/", pages.challenge_detail, name="challenge"),
    path(
        "challenges/<slug:slug>/recommendations/<id:number>/",
        pages.recommendation_detail,
        name="recommendation",
    ),
]

# Officers' updates, sign-off and coordinator edits (views/actions.py).
urlpatterns += [
    path("my-actions/", actions.my_actions, name="my_actions"),
    path("challenges/<slug:slug>/actions/<id:pk>/", actions.action_detail, name="action"),
    path("challenges/<slug:slug>/actions/<id:pk>/progress/", actions.record_progress,
         name="action_progress"),
    path("challenges/<slug:slug>/actions/<id:pk>/sign-off/", actions.sign_off,
         name="action_sign_off"),
    path("challenges/<slug:slug>/actions/<id:pk>/return/", actions.return_for_work,
         name="action_return"),
    path("challenges/<slug:slug>/actions/<id:pk>/edit/", actions.edit_action, name="action_edit"),
    path("challenges/<slug:slug>/recommendations/<id:number>/actions/new/", actions.add_action,
         name="action_add"),
]

# Dashboards, action plan table, portfolio, search (views/dashboards.py).
urlpatterns += [
    path("challenges/<slug:slug>/dashboard/", dashboards.dashboard, name="dashboard"),
    path("challenges/<slug:slug>/plan/", dashboards.action_plan, name="action_plan"),
    path("challenges/<slug:slug>/plan/export.csv", dashboards.action_plan_csv, name="action_plan_csv"),
    path("challenges/<slug:slug>/plan/export.xlsx", dashboards.action_plan_xlsx,
         name="action_plan_xlsx"),
    path("portfolio/", dashboards.portfolio, name="portfolio"),
    path("search/", dashboards.search, name="search"),
]

# Import and export of recommendations and action plans (views/imports.py).
urlpatterns += [
    path("councils/<slug:council_slug>/challenges/new/", imports.challenge_create,
         name="challenge_create"),
    path("challenges/<slug:slug>/recommendations/import/", imports.recommendations_import,
         name="recommendations_import"),
    path("challenges/<slug:slug>/action-plan/import/", imports.action_plan_import,
         name="action_plan_import"),
    path("challenges/<slug:slug>/action-plan/import/confirm/", imports.action_plan_import_confirm,
         name="action_plan_import_confirm"),
    path("challenges/<slug:slug>/action-plan/template.xlsx", imports.action_plan_template,
         name="action_plan_template"),
    path("challenges/<slug:slug>/action-plan/export.xlsx", imports.action_plan_export,
         name="action_plan_export"),
]
