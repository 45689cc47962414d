from django.urls import URLPattern, URLResolver, include, path

from recommendations.views import actions, closing, dashboards, deputies, imports, inbox, pages

# Under challenges/<slug>/actions/<pk>/: officers' updates, sign-off and coordinator edits (views/actions.py),
# closing (views/closing.py) and deputies (views/deputies.py).
action_urls = [
    path("", actions.action_detail, name="action"),
    path("progress/", actions.record_progress, name="action_progress"),
    path("evidence/<id:file_pk>/download/", actions.download_evidence, name="evidence_download"),
    path("sign-off/", actions.sign_off, name="action_sign_off"),
    path("return/", actions.return_for_work, name="action_return"),
    path("edit/", actions.edit_action, name="action_edit"),
    path("close/", closing.close_action, name="action_close"),
    path("reopen/", closing.reopen_action, name="action_reopen"),
    path("deputies/", deputies.action_deputies, name="action_deputies"),
    path("deputies/<id:deputy_pk>/end/", deputies.end_action_deputy, name="action_deputy_end"),
]

# Under challenges/<slug>/.
challenge_urls: list[URLPattern | URLResolver] = [
    path("", pages.challenge_detail, name="challenge"),
    path("recommendations/<id:number>/", pages.recommendation_detail, name="recommendation"),
    path("recommendations/<id:number>/actions/new/", actions.add_action, name="action_add"),
    path("actions/<id:pk>/", include(action_urls)),
    # Dashboards and the action plan table (views/dashboards.py).
    path("dashboard/", dashboards.dashboard, name="dashboard"),
    path("plan/", dashboards.action_plan, name="action_plan"),
    path("plan/export.csv", dashboards.action_plan_csv, name="action_plan_csv"),
    path("plan/export.xlsx", dashboards.action_plan_xlsx, name="action_plan_xlsx"),
    # Import and export of recommendations and action plans (views/imports.py).
    path("recommendations/import/", imports.recommendations_import, name="recommendations_import"),
    path("action-plan/import/", imports.action_plan_import, name="action_plan_import"),
    path("action-plan/import/confirm/", imports.action_plan_import_confirm, name="action_plan_import_confirm"),
    path("action-plan/import/columns/", imports.action_plan_import_mapping, name="action_plan_import_mapping"),
    path("action-plan/import/rows-to-fix.xlsx", imports.action_plan_import_problems,
         name="action_plan_import_problems"),
    path("responses/import/", imports.response_table_import, name="response_table_import"),
    path("action-plan/template.xlsx", imports.action_plan_template, name="action_plan_template"),
    path("action-plan/export.xlsx", imports.action_plan_export, name="action_plan_export"),
    # Archiving (views/closing.py); unarchiving is the one URL an archived challenge still takes a POST at
    # (access.CHANGES_WHILE_ARCHIVED).
    path("archive/", closing.archive_challenge, name="challenge_archive"),
    path("unarchive/", closing.unarchive_challenge, name="challenge_unarchive"),
    # Setting up a challenge: details, themes, responses, peer team (recommendations/setup/).
    path("setup/", include("recommendations.setup.urls")),
]

# Under councils/<council_slug>/.
council_urls = [
    path("challenges/new/", imports.challenge_create, name="challenge_create"),
    path("deputies/", deputies.council_deputies, name="deputies"),
    path("deputies/<id:deputy_pk>/end/", deputies.end_deputy, name="deputy_end"),
]

urlpatterns: list[URLPattern | URLResolver] = [
    path("", pages.home, name="home"),
    path("start/", pages.landing, name="landing"),
    path("accessibility/", pages.accessibility, name="accessibility"),
    path("my-actions/", actions.my_actions, name="my_actions"),
    path("portfolio/", dashboards.portfolio, name="portfolio"),
    path("search/", dashboards.search, name="search"),
    # The coordinator's inbox: what needs their attention, signing off and returning (views/inbox.py).
    path("inbox/", inbox.inbox_page, name="inbox"),
    path("inbox/sign-off/", inbox.sign_off, name="inbox_sign_off"),
    path("inbox/challenges/<slug:slug>/actions/<id:pk>/return/", inbox.return_for_work, name="inbox_return"),
    path("challenges/<slug:slug>/", include(challenge_urls)),
    path("councils/<slug:council_slug>/", include(council_urls)),
]
