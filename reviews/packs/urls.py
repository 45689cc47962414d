from django.urls import path

from peertrack import inputs
from reviews.packs import views

# "<id:...>": 1 to 19 ASCII digits that fit 64 bits; any other id is a 404 (peertrack/inputs.py).
inputs.register_id_converter()

urlpatterns = [
    path("challenges/<slug:slug>/packs/", views.pack_list, name="pack_list"),
    path("challenges/<slug:slug>/packs/<id:sequence>/download/", views.pack_download, name="pack_download"),
    path("challenges/<slug:slug>/reports/new/", views.report_create, name="committee_report_new"),
    path("challenges/<slug:slug>/reports/<id:pk>/", views.report_detail, name="committee_report"),
    path("challenges/<slug:slug>/reports/<id:pk>/edit/", views.report_edit, name="committee_report_edit"),
    path("challenges/<slug:slug>/reports/<id:pk>/preview/", views.report_preview, name="committee_report_preview"),
    path("challenges/<slug:slug>/reports/<id:pk>/issue/", views.report_issue, name="committee_report_issue"),
    path(
        "challenges/<slug:slug>/reports/<id:pk>/preview/draft.pdf",
        views.report_preview_pdf,
        name="committee_report_preview_pdf",
    ),
    path(
        "challenges/<slug:slug>/packs/<id:sequence>/download/word/", views.pack_download_docx, name="pack_download_docx"
    ),
    path("challenges/<slug:slug>/packs/<id:sequence>/withdraw/", views.pack_withdraw, name="pack_withdraw"),
    path("challenges/<slug:slug>/packs/council-look/", views.council_look, name="council_look"),
]
