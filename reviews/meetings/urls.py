from django.urls import include, path

from reviews.meetings import views

# Under challenges/<slug>/setup/meetings/.
meeting_urls = [
    path("", views.meetings, name="committee_meetings"),
    path("<id:meeting_id>/", views.meeting, name="committee_meeting"),
    path("<id:meeting_id>/remove/", views.meeting_remove, name="committee_meeting_remove"),
]

urlpatterns = [path("challenges/<slug:slug>/setup/meetings/", include(meeting_urls))]
