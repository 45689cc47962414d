"""The challenge set-up pages (recommendations/setup/views.py), included from recommendations/urls.py."""

from django.urls import path

from recommendations.setup import views

urlpatterns = [
    path("challenges/<slug:slug>/setup/", views.overview, name="challenge_setup"),
    path("challenges/<slug:slug>/setup/details/", views.details, name="setup_details"),
    *(
        path(
            f"challenges/<slug:slug>/setup/details/{section}/",
            views.details_section,
            {"section": section},
            name=f"setup_details_{section}",
        )
        for section in views.DETAILS
    ),
    path("challenges/<slug:slug>/setup/themes/", views.themes, name="setup_themes"),
    path("challenges/<slug:slug>/setup/themes/assign/", views.theme_assign, name="setup_theme_assign"),
    path("challenges/<slug:slug>/setup/themes/<id:theme_id>/", views.theme, name="setup_theme"),
    path("challenges/<slug:slug>/setup/themes/<id:theme_id>/move/", views.theme_move, name="setup_theme_move"),
    path("challenges/<slug:slug>/setup/responses/", views.responses, name="setup_responses"),
    path("challenges/<slug:slug>/setup/responses/<id:number>/", views.response, name="setup_response"),
    path(
        "challenges/<slug:slug>/setup/responses/<id:number>/response/", views.response_edit, name="setup_response_edit"
    ),
    path(
        "challenges/<slug:slug>/setup/responses/<id:number>/text/",
        views.recommendation_text,
        name="setup_recommendation_text",
    ),
    path("challenges/<slug:slug>/setup/peer-team/", views.peer_team, name="setup_peer_team"),
    path("challenges/<slug:slug>/setup/peer-team/returned/", views.peers_returned, name="setup_peers_returned"),
    path("challenges/<slug:slug>/setup/peer-team/<id:peer_id>/", views.peer, name="setup_peer"),
]
