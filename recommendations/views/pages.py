"""Pages for reading a council's challenges, recommendations and actions."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from peertrack.routing import CHALLENGE, Routes
from recommendations import access, asof
from recommendations import rag as rag_rules
from recommendations.models import Action, Council, Membership, PeerChallenge, Recommendation

routes = Routes()
challenge_routes = routes.under(CHALLENGE)


@routes.get("", name="home")
def home(request: HttpRequest) -> HttpResponse:
    """Lists the challenges of every council the user belongs to."""
    challenges = PeerChallenge.objects.visible_to(request.user).order_by("-onsite_start")
    councils = Council.objects.visible_to(request.user).prefetch_related(
        Prefetch("challenges", queryset=challenges.with_counts(), to_attr="visible_challenges")
    )
    return render(request, "recommendations/home.html", {"councils": councils})


@challenge_routes.get("", name="challenge")
def challenge_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Shows a challenge with its recommendations and their derived RAG ratings."""
    challenge = access.get_challenge(request, slug)
    plan = asof.plan_as_at(challenge)
    context = {
        "challenge": challenge,
        "recommendations": plan.recommendations,
        "rag_counts": plan.recommendation_counts,
        "themes": list(challenge.themes.all()),
        "peer_team": list(challenge.peer_team.all()),
        "role": access.role_in(request, challenge.council),
        "rule_text": rag_rules.RULE_TEXT,
    }
    return render(request, "recommendations/challenge_detail.html", context)


@challenge_routes.get("recommendations/<id:number>/", name="recommendation")
def recommendation_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """Shows a recommendation, the council's response and its actions."""
    recommendation = access.get_recommendation(request, slug, number)
    actions = asof.actions_as_at(
        recommendation.actions.select_related("lead_officer", "recommendation__challenge").order_by("reference"),
        details=True,
    )
    neighbours = Recommendation.objects.filter(challenge=recommendation.challenge).values_list(
        "number", "title"
    )
    context = {
        "challenge": recommendation.challenge,
        "recommendation": recommendation,
        "rating": rag_rules.derive_recommendation_rag((then.status, then.rating) for then in actions),
        "actions": actions,
        "neighbours": list(neighbours),
        "rule_text": rag_rules.RULE_TEXT,
        "action_statuses": Action.Status,
        "can_coordinate": access.role_in(request, recommendation.challenge.council) == "coordinator",
    }
    return render(request, "recommendations/recommendation_detail.html", context)


@routes.get("start/", name="landing")
def landing(request: HttpRequest) -> HttpResponse:
    """Where signing in leads: a coordinator to the inbox, someone who leads or deputises for open
    actions to My actions, everyone else to their challenges."""
    user = request.user
    memberships = Membership.objects.active().filter(user=user)
    if memberships.filter(role=Membership.Role.COORDINATOR).exists():
        return redirect("inbox")
    if (Action.objects.visible_to(user).in_current_challenges().led_or_deputised_by(user)
            .exclude(status__in=asof.FINISHED).exists()):
        return redirect("my_actions")
    return redirect("home")


@routes.get("accessibility/", name="accessibility", signed_in=False)
def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement, readable without signing in."""
    return render(request, "accessibility.html")
