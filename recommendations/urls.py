from django.urls import URLPattern, URLResolver, include, path

from peertrack import inputs
from recommendations.views import actions, closing, dashboards, deputies, imports, inbox, pages

# "<id:...>": 1 to 19 ASCII digits that fit 64 bits; any other id is a 404 (peertrack/inputs.py).
inputs.register_id_converter()

urlpatterns: list[URLPattern | URLResolver] = [
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
    path("challenges/<slug:slug>/actions/<id:pk>/evidence/<id:file_pk>/download/", actions.download_evidence,
         name="evidence_download"),
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
    path("challenges/<slug:slug>/action-plan/import/columns/", imports.action_plan_import_mapping,
         name="action_plan_import_mapping"),
    path("challenges/<slug:slug>/action-plan/import/rows-to-fix.xlsx",
         imports.action_plan_import_problems, name="action_plan_import_problems"),
    path("challenges/<slug:slug>/responses/import/", imports.response_table_import,
         name="response_table_import"),
    path("challenges/<slug:slug>/action-plan/template.xlsx", imports.action_plan_template,
         name="action_plan_template"),
    path("challenges/<slug:slug>/action-plan/export.xlsx", imports.action_plan_export,
         name="action_plan_export"),
]

# Closing actions and archiving challenges (views/closing.py); deputies (views/deputies.py).
urlpatterns += [
    path("challenges/<slug:slug>/actions/<id:pk>/close/", closing.close_action, name="action_close"),
    path("challenges/<slug:slug>/actions/<id:pk>/reopen/", closing.reopen_action, name="action_reopen"),
    path("challenges/<slug:slug>/archive/", closing.archive_challenge, name="challenge_archive"),
    # The one URL an archived challenge still takes a POST at (access.CHANGES_WHILE_ARCHIVED).
    path("challenges/<slug:slug>/unarchive/", closing.unarchive_challenge, name="challenge_unarchive"),
    path("challenges/<slug:slug>/actions/<id:pk>/deputies/", deputies.action_deputies,
         name="action_deputies"),
    path("challenges/<slug:slug>/actions/<id:pk>/deputies/<id:deputy_pk>/end/", deputies.end_action_deputy,
         name="action_deputy_end"),
    path("councils/<slug:council_slug>/deputies/", deputies.council_deputies, name="deputies"),
    path("councils/<slug:council_slug>/deputies/<id:deputy_pk>/end/", deputies.end_deputy,
         name="deputy_end"),
]

# The coordinator's inbox: what needs their attention, signing off and returning (views/inbox.py).
urlpatterns += [
    path("inbox/", inbox.inbox_page, name="inbox"),
    path("inbox/sign-off/", inbox.sign_off, name="inbox_sign_off"),
    path("inbox/challenges/<slug:slug>/actions/<id:pk>/return/", inbox.return_for_work,
         name="inbox_return"),
]

# Setting up a challenge: details, themes, responses, peer team (recommendations/setup/).
urlpatterns += [path("", include("recommendations.setup.urls"))]
