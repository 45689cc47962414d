from django.urls import include, path

from reviews.packs import views

# Under challenges/<slug>/.
challenge_urls = [
    path("packs/", views.pack_list, name="pack_list"),
    path("packs/<id:sequence>/download/", views.pack_download, name="pack_download"),
    path("packs/<id:sequence>/download/word/", views.pack_download_docx, name="pack_download_docx"),
    path("packs/<id:sequence>/withdraw/", views.pack_withdraw, name="pack_withdraw"),
    path("packs/council-look/", views.council_look, name="council_look"),
    path("reports/new/", views.report_create, name="committee_report_new"),
    path("reports/<id:pk>/", views.report_detail, name="committee_report"),
    path("reports/<id:pk>/edit/", views.report_edit, name="committee_report_edit"),
    path("reports/<id:pk>/preview/", views.report_preview, name="committee_report_preview"),
    path("reports/<id:pk>/preview/draft.pdf", views.report_preview_pdf, name="committee_report_preview_pdf"),
    path("reports/<id:pk>/issue/", views.report_issue, name="committee_report_issue"),
]

urlpatterns = [path("challenges/<slug:slug>/", include(challenge_urls))]
