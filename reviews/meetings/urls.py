from django.urls import path

from peertrack import inputs
from reviews.meetings import views

# "<id:...>": 1 to 19 ASCII digits that fit 64 bits; any other id is a 404 (peertrack/inputs.py).
inputs.register_id_converter()

urlpatterns = [
    path("challenges/<slug:slug>/setup/meetings/", views.meetings, name="committee_meetings"),
    path("challenges/<slug:slug>/setup/meetings/<id:meeting_id>/", views.meeting, name="committee_meeting"),
    path(
        "challenges/<slug:slug>/setup/meetings/<id:meeting_id>/remove/",
        views.meeting_remove,
        name="committee_meeting_remove",
    ),
]
