"""The Notifications list and the notification settings.

Who may do what:

- everyone signed in has their own list (`notifications/`), marks one or all read, and chooses how
  they hear about each kind that applies to their roles (`notifications/settings/`). Nobody sees or
  marks anyone else's: every query starts from `Notification.objects.for_recipient(user)`, and a
  notification id that is not the user's own is answered as one that does not exist;
- a council's coordinators and administrators set its escalation weeks
  (`notifications/settings/councils/<council_slug>/`); its other members and guests get a 403,
  anyone else a 404.

A plain POST is answered with a redirect and a message; an htmx POST on the list with the list
itself and the header's unread count out of band.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from notifications.delivery import chosen_deliveries, delivery_for
from notifications.forms import CouncilSettingsForm, PreferencesForm
from notifications.kinds import COORDINATOR, OFFICER, SCRUTINY, KindSpec, kinds_for
from notifications.models import CouncilNotificationSettings, Notification
from peertrack import idempotency, inputs
from peertrack.context_processors import account_of
from peertrack.http import SignedInRequest, form_page
from peertrack.routing import Routes
from recommendations import access
from recommendations.models import Council, Membership

routes = Routes("notifications/")

LIST = "notifications/list.html"
PAGE_SIZE = 25
# Who sets a council's notification settings.
SETTING_ROLES = (Membership.Role.COORDINATOR, Membership.Role.ADMINISTRATOR)


def _number(value: Any, *, maximum: int = inputs.INT64_MAX) -> int | None:
    """Returns the whole number a form or query string value spells, or None."""
    try:
        return inputs.whole_number(str(value or "").strip(), maximum=maximum)
    except ValueError:
        return None


def _page_number(value: Any) -> int | None:
    return _number(value, maximum=10**6)


def _list_context(request: HttpRequest, page_number: Any) -> dict[str, Any]:
    mine = (Notification.objects.for_recipient(request.user).select_related("council")
            .order_by("-created_at", "-pk"))
    page = Paginator(mine, PAGE_SIZE).get_page(_page_number(page_number) or 1)
    councils = {row.council_id for row in page.object_list}
    return {"page": page, "notifications": page.object_list, "nav": "notifications",
            "many_councils": len(councils) > 1 or len(account_of(request).councils) > 1}


@routes.get("", name="notifications")
def notification_list(request: HttpRequest) -> HttpResponse:
    """Lists the user's notifications, newest first, a page at a time."""
    return render(request, LIST, _list_context(request, request.GET.get("page")))


def _answer(request: HttpRequest, done: str, problem: str = "") -> HttpResponse:
    page = _page_number(request.POST.get("page"))
    location = reverse("notifications") + (f"?page={page}" if page and page > 1 else "")
    if not request.htmx:  # type: ignore[attr-defined]
        if done:
            messages.success(request, done)
        if problem:
            messages.error(request, problem)
        return redirect(location)
    idempotency.finished(request, location)
    context = {**_list_context(request, page), "oob": True, "announcement": problem or done}
    return render(request, f"{LIST}#notifications", context)


@routes.post("read/", name="notification_read")
def mark_read(request: HttpRequest) -> HttpResponse:
    """Marks the one notification posted as `notification` read (the user's own only)."""
    pk = _number(request.POST.get("notification"))
    mine = Notification.objects.for_recipient(request.user)
    if pk is None or not mine.filter(pk=pk).exists():
        return _answer(request, "", "That notification could not be found, so nothing was marked. "
                                    "Reload the page and try again.")
    mine.filter(pk=pk).mark_read()
    return _answer(request, "The notification is marked as read.")


@routes.post("read-all/", name="notifications_read_all")
def mark_all_read(request: HttpRequest) -> HttpResponse:
    """Marks every unread notification of the user read."""
    count = Notification.objects.for_recipient(request.user).mark_read()
    if not count:
        return _answer(request, "You had no unread notifications.")
    return _answer(request, f"{count} notification{'s are' if count != 1 else ' is'} marked as read.")


def _audiences(request: HttpRequest) -> set[str]:
    """Which kinds apply to the user: an officer's (anyone who may lead or deputise), a coordinator's,
    a scrutiny member's, from their active memberships."""
    account = account_of(request)
    roles = {place.role for place in account.places}
    audiences = set()
    if account.has_my_actions:
        audiences.add(OFFICER)
    if Membership.Role.COORDINATOR in roles:
        audiences.add(COORDINATOR)
    if Membership.Role.SCRUTINY in roles:
        audiences.add(SCRUTINY)
    return audiences


def _council_settings(user: Any) -> list[dict[str, Any]]:
    """The councils whose notification settings the user may set, with their escalation weeks."""
    roles = Membership.objects.active().filter(user=user, role__in=SETTING_ROLES)
    councils = (Council.objects.filter(pk__in=roles.values("council")).select_related("notification_settings")
                .order_by("name"))
    rows = []
    for council in councils:
        chosen = getattr(council, "notification_settings", None)
        weeks = chosen.escalate_after_weeks if chosen else CouncilNotificationSettings.DEFAULT_ESCALATE_AFTER_WEEKS
        rows.append({"council": council, "weeks": weeks})
    return rows


@routes.page("settings/", name="notification_settings")
def settings_page(request: SignedInRequest) -> HttpResponse:
    """Lets the user choose, for each kind that applies to them, straight away, weekly summary or off."""
    user = request.user
    specs: list[KindSpec] = kinds_for(_audiences(request))
    chosen = chosen_deliveries([user.pk])
    current = {str(spec.kind): delivery_for(chosen, user.pk, spec.kind) for spec in specs}
    form = PreferencesForm(request.POST if request.method == "POST" else None, specs=specs, current=current)
    if request.method == "POST" and form.is_valid():
        form.save(user=user)
        messages.success(request, "Your notification settings are saved." if specs
                         else "There are no notifications to choose for your role, so nothing was changed.")
        return redirect("notification_settings")
    context = {"form": form, "councils": _council_settings(user), "nav": "notifications",
               "has_email": bool(getattr(user, "email", ""))}
    return form_page(request, "notifications/settings.html", context, form)


@routes.page("settings/councils/<slug:council_slug>/", name="council_notification_settings")
def council_settings(request: HttpRequest, council_slug: str) -> HttpResponse:
    """Sets after how many weeks without an update the council's coordinators are told."""
    council = get_object_or_404(Council.objects.visible_to(request.user), slug=council_slug)
    if access.role_in(request, council) not in SETTING_ROLES:
        raise PermissionDenied("Only the council's coordinators and administrators can change its "
                               "notification settings.")
    weeks = CouncilNotificationSettings.weeks_for(council.pk)
    form = CouncilSettingsForm(request.POST if request.method == "POST" else None,
                               initial={"escalate_after_weeks": weeks})
    if request.method == "POST" and form.is_valid():
        saved = form.save(council=council, by=request.user).escalate_after_weeks
        messages.success(request, f"In {council.name}, coordinators are now told when an action still has no "
                                  f"update {saved} week{'s' if saved != 1 else ''} after a reporting deadline.")
        return redirect("notification_settings")
    context = {"council": council, "form": form, "weeks": weeks, "nav": "notifications"}
    return form_page(request, "notifications/council_settings.html", context, form)
