"""The challenge set-up pages (recommendations/setup/views.py), included under challenges/<slug>/setup/ from
recommendations/urls.py."""

from django.urls import path

from recommendations.setup import views

urlpatterns = [
    path("", views.overview, name="challenge_setup"),
    path("details/", views.details, name="setup_details"),
    *(
        path(f"details/{section}/", views.details_section, {"section": section}, name=f"setup_details_{section}")
        for section in views.DETAILS
    ),
    path("themes/", views.themes, name="setup_themes"),
    path("themes/assign/", views.theme_assign, name="setup_theme_assign"),
    path("themes/<id:theme_id>/", views.theme, name="setup_theme"),
    path("themes/<id:theme_id>/move/", views.theme_move, name="setup_theme_move"),
    path("responses/", views.responses, name="setup_responses"),
    path("responses/<id:number>/", views.response, name="setup_response"),
    path("responses/<id:number>/response/", views.response_edit, name="setup_response_edit"),
    path("responses/<id:number>/text/", views.recommendation_text, name="setup_recommendation_text"),
    path("peer-team/", views.peer_team, name="setup_peer_team"),
    path("peer-team/returned/", views.peers_returned, name="setup_peers_returned"),
    path("peer-team/<id:peer_id>/", views.peer, name="setup_peer"),
]
