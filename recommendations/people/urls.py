from django.urls import path

from peertrack import inputs
from recommendations.people import views

inputs.register_id_converter()

PEOPLE = "councils/<slug:council_slug>/people/"

urlpatterns = [
    path(PEOPLE, views.people, name="people"),
    path(PEOPLE + "invite/", views.invite, name="person_invite"),
    path(PEOPLE + "import/", views.people_import, name="people_import"),
    path(PEOPLE + "import/confirm/", views.people_import_confirm, name="people_import_confirm"),
    path(PEOPLE + "single-sign-on/", views.council_sso, name="council_sso"),
    path(PEOPLE + "invitations/<id:invitation_pk>/resend/", views.invitation_resend, name="invitation_resend"),
    path(PEOPLE + "invitations/<id:invitation_pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path(PEOPLE + "<id:membership_pk>/", views.person, name="person"),
    path(PEOPLE + "<id:membership_pk>/deactivate/", views.deactivate, name="person_deactivate"),
    path(PEOPLE + "<id:membership_pk>/reassign/", views.reassign, name="person_reassign"),
    path("invitation/<str:token>/", views.accept, name="invitation_accept"),
]
