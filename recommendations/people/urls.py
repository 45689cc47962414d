from django.urls import include, path

from recommendations.people import views

# Under councils/<council_slug>/people/.
people_urls = [
    path("", views.people, name="people"),
    path("invite/", views.invite, name="person_invite"),
    path("import/", views.people_import, name="people_import"),
    path("import/confirm/", views.people_import_confirm, name="people_import_confirm"),
    path("single-sign-on/", views.council_sso, name="council_sso"),
    path("invitations/<id:invitation_pk>/resend/", views.invitation_resend, name="invitation_resend"),
    path("invitations/<id:invitation_pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("<id:membership_pk>/", views.person, name="person"),
    path("<id:membership_pk>/deactivate/", views.deactivate, name="person_deactivate"),
    path("<id:membership_pk>/reassign/", views.reassign, name="person_reassign"),
]

urlpatterns = [
    path("councils/<slug:council_slug>/people/", include(people_urls)),
    path("invitation/<str:token>/", views.accept, name="invitation_accept"),
]
