from django.urls import path

from reviews import views

urlpatterns = [
    path("challenges/<slug:slug>/packs/", views.pack_list, name="pack_list"),
    path("challenges/<slug:slug>/packs/<int:sequence>/download/", views.pack_download,
         name="pack_download"),
    path("challenges/<slug:slug>/reports/new/", views.report_create, name="committee_report_new"),
    path("challenges/<slug:slug>/reports/<int:pk>/", views.report_detail, name="committee_report"),
    path("challenges/<slug:slug>/reports/<int:pk>/edit/", views.report_edit,
         name="committee_report_edit"),
    path("challenges/<slug:slug>/reports/<int:pk>/preview/", views.report_preview,
         name="committee_report_preview"),
    path("challenges/<slug:slug>/reports/<int:pk>/issue/", views.report_issue,
         name="committee_report_issue"),
]
