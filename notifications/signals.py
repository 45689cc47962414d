"""Signal receivers: they notice events in `recommendations` and `reviews` and queue `tasks.notify`.

Those apps know nothing of notifications: the receivers are connected from `NotificationsConfig.ready`
to Django's own model signals. A receiver decides nothing beyond whether a saved row is an event
at all; it queues the task once the transaction commits (`peertrack.tasks.enqueue_on_commit`), so a
rolled-back change tells nobody, and `events.py` decides who is told. Rows loaded by `loaddata` or a
restore (`raw`) are never events.

- `Action` saved with a lead officer (created, or saved with `lead_officer` among the fields): "lead_officer".
  An action's later state changes are guarded UPDATEs that send no signal; the daily run finds a
  lead officer named that way in the history (`schedule.lead_changes`).
- `Deputy` created: "deputy". `SignOffReturn` created: "returned". `ProgressUpdate` created:
  "progress" (an action reported complete). `IssuedPack` created: "pack".
- A user saved with `is_active` turned off: "deactivated", once for each council where they lead an
  open action of a current challenge.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import post_save, pre_save

from notifications.events import is_news
from peertrack.absolute_urls import current_origin
from peertrack.tasks import enqueue_on_commit
from recommendations import signals as recommendation_signals
from recommendations.models import Action, Deputy, ProgressUpdate, SignOffReturn
from reviews.models import IssuedPack

_WAS_ACTIVE = "_notifications_was_active"


def _actor(instance: Any, *fields: str) -> int | None:
    """The id of whoever made the change: the history user the code set, or the row's own field."""
    user = getattr(instance, "_history_user", None)
    if user is not None and getattr(user, "pk", None) is not None:
        return int(user.pk)
    for name in fields:
        value = getattr(instance, f"{name}_id", None)
        if value is not None:
            return int(value)
    return None


def _queue(event: str, *, council_id: int, object_id: int, actor_id: int | None) -> None:
    from notifications.tasks import notify

    enqueue_on_commit(notify, council_id=council_id, event=event, object_id=object_id, actor_id=actor_id,
                      origin=current_origin())


def _queue_for_action(event: str, *, action_id: int, object_id: int, actor_id: int | None) -> None:
    """Queues `event` once the transaction commits, looking up the action's council then (so the
    save itself costs no query)."""
    from notifications.tasks import notify

    origin = current_origin()  # the request's address, for the email's links

    def enqueue() -> None:
        council_id = (Action.objects.filter(pk=action_id)
                      .values_list("recommendation__challenge__council_id", flat=True).first())
        if council_id is not None:
            notify.enqueue(council_id=council_id, event=event, object_id=object_id, actor_id=actor_id,
                           origin=origin)

    transaction.on_commit(enqueue)


def action_saved(sender: Any, instance: Action, created: bool, raw: bool = False,
                 update_fields: Any = None, **kwargs: Any) -> None:
    if raw or instance.lead_officer_id is None:
        return
    if created and not is_news(instance.created_at):
        return
    if not created and update_fields is not None and "lead_officer" not in update_fields:
        return
    _queue_for_action("lead_officer", action_id=instance.pk, object_id=instance.pk, actor_id=_actor(instance))


def action_written(sender: Any, action: Action, fields: set[str], by: Any = None, **kwargs: Any) -> None:
    """An edit or the admin gave the action a (new) lead officer: tell them now."""
    if "lead_officer_id" in fields and action.lead_officer_id is not None:
        _queue_for_action("lead_officer", action_id=action.pk, object_id=action.pk,
                          actor_id=getattr(by, "pk", None))


def deputy_saved(sender: Any, instance: Deputy, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if raw or not created:
        return
    _queue("deputy", council_id=instance.council_id, object_id=instance.pk, actor_id=_actor(instance, "named_by"))


def return_saved(sender: Any, instance: SignOffReturn, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if raw or not created:
        return
    _queue_for_action("returned", action_id=instance.action_id, object_id=instance.pk,
                      actor_id=_actor(instance, "returned_by"))


def update_saved(sender: Any, instance: ProgressUpdate, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if raw or not created or not is_news(instance.created_at):
        return
    # Whoever recorded it (a coordinator reporting complete is not told of their own report).
    _queue_for_action("progress", action_id=instance.action_id, object_id=instance.pk,
                      actor_id=_actor(instance, "author"))


def pack_saved(sender: Any, instance: IssuedPack, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if raw or not created:
        return
    _queue("pack", council_id=instance.challenge.council_id, object_id=instance.pk,
           actor_id=_actor(instance, "issued_by"))


def user_saving(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """Remembers whether an account being switched off was on (one query, only when it is off now)."""
    if raw or instance.pk is None or instance.is_active:
        return
    stored = sender.objects.filter(pk=instance.pk).values_list("is_active", flat=True).first()
    setattr(instance, _WAS_ACTIVE, bool(stored))


def user_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if raw or created or instance.is_active or not getattr(instance, _WAS_ACTIVE, False):
        return
    setattr(instance, _WAS_ACTIVE, False)
    user_id = instance.pk
    origin = current_origin()
    transaction.on_commit(lambda: _queue_deactivated(user_id, origin=origin))


def _queue_deactivated(user_id: int, *, origin: str = "") -> None:
    """Queues the "deactivated" event for each council where the user leads an open, current action."""
    from notifications.tasks import notify

    councils = (Action.objects.in_current_challenges().filter(lead_officer_id=user_id)
                .exclude(status__in=[Action.Status.COMPLETE, Action.Status.CLOSED])
                .values_list("recommendation__challenge__council_id", flat=True).distinct())
    for council_id in sorted(set(councils)):
        notify.enqueue(council_id=council_id, event="deactivated", object_id=user_id, actor_id=None,
                       origin=origin)


def connect() -> None:
    """Connects the receivers (from `NotificationsConfig.ready`)."""
    uid = "notifications."
    post_save.connect(action_saved, sender=Action, dispatch_uid=uid + "action")
    recommendation_signals.action_written.connect(action_written, sender=Action, dispatch_uid=uid + "written")
    post_save.connect(deputy_saved, sender=Deputy, dispatch_uid=uid + "deputy")
    post_save.connect(return_saved, sender=SignOffReturn, dispatch_uid=uid + "return")
    post_save.connect(update_saved, sender=ProgressUpdate, dispatch_uid=uid + "update")
    post_save.connect(pack_saved, sender=IssuedPack, dispatch_uid=uid + "pack")
    user_model = get_user_model()
    pre_save.connect(user_saving, sender=user_model, dispatch_uid=uid + "user-before")
    post_save.connect(user_saved, sender=user_model, dispatch_uid=uid + "user-after")
