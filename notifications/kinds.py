"""What people can be told, who is told it, and how they may choose to hear it.

Each kind is written once here: its audience (the role that receives it), the words the settings
page asks with, whether it may be turned off, and how it is delivered until the person chooses.

Delivery (`Delivery`) is a person's choice per kind:

- **immediate**: emailed at once (one email per person per run, however many arrive together);
- **digest**: kept for a weekly summary email, made on the first run of each week (Monday);
- **off**: nothing is made at all, not even in the list. Only kinds that ask nothing of the
  person may be turned off; the others can be moved to the weekly summary but not silenced.

Every notification that is made also appears in the person's Notifications list.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from recommendations.models import Membership

# The audiences: the roles in a council that notifications go to.
OFFICER = Membership.Role.OFFICER.value
COORDINATOR = Membership.Role.COORDINATOR.value
SCRUTINY = Membership.Role.SCRUTINY.value

# "Due soon" for a notification: an action waiting on its officer and due within this many days.
DUE_SOON_DAYS = 14


class Kind(models.TextChoices):
    LEAD_OFFICER = "lead_officer", "Made lead officer of an action"
    DEPUTY = "deputy", "Named as a deputy"
    RETURNED = "returned", "Action returned"
    DUE_SOON = "due_soon", f"Action due in {DUE_SOON_DAYS} days"
    OVERDUE = "overdue", "Action overdue"
    NO_UPDATE = "no_update", "No update by the reporting deadline"
    REPORTED_COMPLETE = "reported_complete", "Action reported complete"
    OFFICER_DEACTIVATED = "officer_deactivated", "Lead officer's account switched off"
    ESCALATION = "escalation", "Actions still without an update"
    INBOX_DIGEST = "inbox_digest", "Weekly summary of Needs your attention"
    PACK_ISSUED = "pack_issued", "Committee pack issued"


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", "Email me straight away"
    DIGEST = "digest", "Put it in my weekly summary email"
    OFF = "off", "Off: do not tell me at all"


@dataclass(frozen=True)
class KindSpec:
    kind: Kind
    audience: str
    question: str  # the settings page's legend
    hint: str
    may_be_off: bool
    default: Delivery

    @property
    def choices(self) -> list[Delivery]:
        """The deliveries a person may choose for this kind, in the settings page's order."""
        allowed = [Delivery.IMMEDIATE, Delivery.DIGEST]
        return [*allowed, Delivery.OFF] if self.may_be_off else allowed


def _spec(kind: Kind, audience: str, question: str, hint: str, *, may_be_off: bool = False,
          default: Delivery = Delivery.IMMEDIATE) -> KindSpec:
    return KindSpec(kind, audience, question, hint, may_be_off, default)


SPECS: dict[str, KindSpec] = {spec.kind: spec for spec in [
    _spec(Kind.LEAD_OFFICER, OFFICER, "When you are made the lead officer of an action",
          "Cannot be turned off: you are now responsible for reporting its progress."),
    _spec(Kind.DEPUTY, OFFICER, "When you are named as a deputy",
          "Cannot be turned off: you may now record progress for a lead officer."),
    _spec(Kind.RETURNED, OFFICER, "When a coordinator returns an action you lead",
          "With the coordinator’s reason. Cannot be turned off: the action needs a new update."),
    _spec(Kind.DUE_SOON, OFFICER, f"When an action you lead is due in {DUE_SOON_DAYS} days",
          "Once for each due date.", may_be_off=True),
    _spec(Kind.OVERDUE, OFFICER, "When an action you lead becomes overdue",
          "Once for each due date. Cannot be turned off."),
    _spec(Kind.NO_UPDATE, OFFICER, "When an action you lead has no update by the reporting deadline",
          "Every week until you record an update; after a few weeks your coordinators are told too. "
          "Cannot be turned off."),
    _spec(Kind.REPORTED_COMPLETE, COORDINATOR, "When an action is reported complete",
          "It waits for your sign-off in Needs your attention.", may_be_off=True),
    _spec(Kind.OFFICER_DEACTIVATED, COORDINATOR,
          "When an officer’s account is switched off while they lead open actions",
          "Their actions need a new lead officer. Cannot be turned off."),
    _spec(Kind.ESCALATION, COORDINATOR, "When actions still have no update weeks after the reporting deadline",
          "Your council’s notification settings say after how many weeks. Cannot be turned off."),
    _spec(Kind.INBOX_DIGEST, COORDINATOR, "A weekly summary of Needs your attention",
          "Made each Monday when something needs your attention.", may_be_off=True),
    _spec(Kind.PACK_ISSUED, SCRUTINY, "When a committee pack is issued for your council’s challenge",
          "Off unless you turn it on.", may_be_off=True, default=Delivery.OFF),
]}


def kinds_for(audiences: set[str]) -> list[KindSpec]:
    """Returns the kinds whose audience is one of `audiences`, in the order above."""
    return [spec for spec in SPECS.values() if spec.audience in audiences]
