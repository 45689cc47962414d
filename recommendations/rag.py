"""RAG ratings and the rule that derives a recommendation's rating from its actions.

The rule, as shown to users (see `RULE_TEXT`):

* An action's current rating is the rating of its latest progress update.
* A recommendation takes the worst current rating of its open actions
  (Red, then Amber, then Green). An open action whose officer has rated it
  Blue is counted as Green: it is not complete until a coordinator signs it off.
* Open actions that have no update yet do not lower the rating; when none of
  the open actions has been rated, the recommendation is "Not yet rated".
* When no action is open and at least one is signed off as complete, the
  recommendation is Blue (complete).
* Closed actions (stopped or superseded) are left out. A recommendation with no
  actions, or only closed ones, is "Not yet rated".

`derive_recommendation_rag` is the reference implementation of this rule in
plain Python, the only one: `recommendations.asof` applies it to the plan as at any date.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models


class Rag(models.TextChoices):
    BLUE = "blue", "Blue"
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"


NOT_RATED = "not_rated"
NOT_RATED_LABEL = "Not yet rated"

MEANINGS: dict[str, str] = {
    Rag.BLUE: "Complete",
    Rag.GREEN: "On track",
    Rag.AMBER: "Some slippage or risk; manageable",
    Rag.RED: "Significantly off track, needs intervention",
    NOT_RATED: "No update yet",
}

LABELS: dict[str, str] = {**{choice.value: choice.label for choice in Rag}, NOT_RATED: NOT_RATED_LABEL}

# Display order for legends, charts and tables: best to worst, then unrated.
ORDER: list[str] = [Rag.BLUE, Rag.GREEN, Rag.AMBER, Rag.RED, NOT_RATED]

# How far off track each rating is; higher is worse.
SEVERITY: dict[str, int] = {Rag.BLUE: 1, Rag.GREEN: 1, Rag.AMBER: 2, Rag.RED: 3}

RULE_TEXT = (
    "A recommendation takes the worst current rating of its open actions. It is Blue "
    "(complete) only when every action has been signed off by a coordinator; an action "
    "reported complete but not yet signed off counts as Green. Actions with no update yet "
    "and closed actions do not change the rating."
)


# The truth rule for an action (recommendations/asof.py applies it), in the words shown on screen.
ACTION_RULE_TEXT = (
    "An action is Blue only once a coordinator has signed it off. An action reported complete shows "
    "“Reported complete, awaiting sign-off” and counts as Green until then. A returned action shows "
    "“Returned” with the coordinator's reason, keeps the rating its officer gave before reporting it "
    "complete, and needs a new update. So an overdue action is never Blue."
)


def label(rag: str | None) -> str:
    """Returns the words for a rating, e.g. "Amber" or "Not yet rated"."""
    return LABELS.get(rag or NOT_RATED, NOT_RATED_LABEL)


# Best is highest: a move from Amber to Green is "up". Not yet rated is no band.
STANDING: dict[str, int] = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2, Rag.BLUE: 3}


def movement(before: str | None, after: str) -> str:
    """Returns how a rating moved: "same", "up" (towards Blue), "down" (towards Red), "rated"
    (it had no rating before) or "unrated" (it lost its rating)."""
    before = before or NOT_RATED
    if before == after:
        return "same"
    if before == NOT_RATED:
        return "rated"
    if after == NOT_RATED:
        return "unrated"
    return "up" if STANDING[after] > STANDING[before] else "down"


def derive_recommendation_rag(actions: Iterable[tuple[str, str | None]]) -> str:
    """Returns the recommendation rating for `(status, latest_rag)` pairs, one per action.

    `status` is an `Action.Status` value; `latest_rag` a `Rag` value or None when
    the action has no update. See the module docstring for the rule.
    """
    from recommendations.models import Action

    open_ratings: list[str | None] = []
    any_complete = False
    for status, latest in actions:
        if status == Action.Status.CLOSED:
            continue
        if status == Action.Status.COMPLETE:
            any_complete = True
            continue
        open_ratings.append(latest)
    if open_ratings:
        rated = [SEVERITY[rag] for rag in open_ratings if rag and rag != NOT_RATED]
        if not rated:
            return NOT_RATED
        worst = max(rated)
        return {3: Rag.RED, 2: Rag.AMBER, 1: Rag.GREEN}[worst]
    if any_complete:
        return Rag.BLUE
    return NOT_RATED
