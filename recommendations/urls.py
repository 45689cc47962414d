from django.urls import path

from recommendations import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("challenges/<slug:slug>/", views.challenge_detail, name="challenge"),
    path(
        "challenges/<slug:slug>/recommendations/<int:number>/",
        views.recommendation_detail,
        name="recommendation",
    ),
]
