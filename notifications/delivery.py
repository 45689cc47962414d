"""Making notifications once, and emailing them once.

- `make` turns drafts into rows: each person's choice for the kind decides whether a row is made
  (not when off) and how it is emailed; rows whose key exists already are skipped by the database
  (`INSERT ... ON CONFLICT DO NOTHING` on the unique key), so making the same draft twice is harmless.
- `send_unsent` emails each person the council's notifications waiting to go straight away, one email
  per person; `send_summaries` sends each person their weekly summary, once per week.

Each email is claimed and sent inside one transaction: an `OutgoingEmail` row is written, one UPDATE
claims the person's unsent rows (`emailed_at IS NULL`, which a second sender waits on and then finds
false), the message is built from the claimed rows and sent. If sending raises, the transaction rolls
back and the rows are unsent again for the retry; if it returns, the commit records them as sent.
An address the mail server refuses for good is recorded on the rows (`email_error`) and not retried.
"""

from __future__ import annotations

import smtplib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from notifications.kinds import SPECS, Delivery
from notifications.models import Notification, NotificationPreference, OutgoingEmail
from peertrack.absolute_urls import absolute_url, email_origin

BATCH_SIZE = 500


@dataclass(frozen=True)
class Draft:
    """A notification to make, if its recipient wants it and it was not made before."""

    recipient: Any  # a user
    council_id: int
    kind: str
    subject: str
    title: str
    body: str
    occasion: str = ""
    url: str = ""
    action_id: int | None = None
    challenge_id: int | None = None

    @property
    def key(self) -> tuple[int, str, str, str]:
        return (self.recipient.pk, self.kind, self.subject, self.occasion)


def chosen_deliveries(user_ids: Iterable[int]) -> dict[tuple[int, str], str]:
    """Returns each person's stored choices, by (user id, kind): one query."""
    rows = NotificationPreference.objects.filter(user_id__in=set(user_ids)).values_list("user_id", "kind", "delivery")
    return {(user_id, kind): delivery for user_id, kind, delivery in rows}


def delivery_for(chosen: dict[tuple[int, str], str], user_id: int, kind: str) -> str:
    """Returns how `user_id` hears about `kind`: their choice, or the kind's default.

    A stored "off" for a kind that may not be turned off counts as the default.
    """
    spec = SPECS[kind]
    delivery = chosen.get((user_id, kind), spec.default)
    if delivery == Delivery.OFF and not spec.may_be_off:
        return spec.default
    return delivery


def make(drafts: Iterable[Draft]) -> int:
    """Makes the drafts' notifications that their recipients want and that do not exist yet.

    Returns how many were wanted (made now or before). Inactive accounts are told nothing.
    Two queries whatever the number: the choices, and the insert (in batches of BATCH_SIZE).
    """
    unique = {draft.key: draft for draft in drafts if draft.recipient.is_active}
    if not unique:
        return 0
    chosen = chosen_deliveries(draft.recipient.pk for draft in unique.values())
    now = timezone.now()
    rows = []
    for draft in unique.values():
        delivery = delivery_for(chosen, draft.recipient.pk, draft.kind)
        if delivery == Delivery.OFF:
            continue
        if not draft.recipient.email:
            email = Notification.Email.NONE
        else:
            email = Notification.Email.IMMEDIATE if delivery == Delivery.IMMEDIATE else Notification.Email.DIGEST
        rows.append(Notification(
            recipient=draft.recipient, council_id=draft.council_id, kind=draft.kind, subject=draft.subject,
            occasion=draft.occasion, title=draft.title[:300], body=draft.body, url=draft.url,
            action_id=draft.action_id, challenge_id=draft.challenge_id, email=email, created_at=now))
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=BATCH_SIZE)
    return len(rows)


# --- sending -----------------------------------------------------------------------------


def send_unsent(council_id: int, *, recipient_ids: Iterable[int] | None = None, origin: str = "") -> int:
    """Emails each person their notifications of the council that go straight away and are not sent.

    One email per person, however many are waiting. `origin` is the address of the request that
    caused them, for the links (`peertrack.absolute_urls`). Returns the number of emails sent.
    """
    return _send_each(council_id, Notification.Email.IMMEDIATE, recipient_ids=recipient_ids, week=None,
                      origin=origin)


def send_summaries(council_id: int, *, week_starting: Any) -> int:
    """Sends each person their weekly summary of the council's notifications kept for it.

    At most one a week per person and council (`OutgoingEmail`'s unique week). Returns the number sent.
    """
    return _send_each(council_id, Notification.Email.DIGEST, recipient_ids=None, week=week_starting)


def _send_each(council_id: int, email: str, *, recipient_ids: Iterable[int] | None, week: Any,
               origin: str = "") -> int:
    waiting = Notification.objects.filter(council_id=council_id).unsent(email)
    if recipient_ids is not None:
        waiting = waiting.filter(recipient_id__in=list(recipient_ids))
    recipients = sorted(set(waiting.order_by().values_list("recipient_id", flat=True)))
    if not recipients:
        return 0
    sent = 0
    with get_connection() as connection:
        for recipient_id in recipients:
            sent += _send_one(connection, recipient_id=recipient_id, council_id=council_id, email=email, week=week,
                              origin=origin)
    return sent


def _send_one(connection: Any, *, recipient_id: int, council_id: int, email: str, week: Any,
              origin: str = "") -> int:
    """Claims and emails one person's unsent notifications in one transaction; returns 1 if sent."""
    with transaction.atomic():
        if week is not None:
            try:
                with transaction.atomic():
                    batch = OutgoingEmail.objects.create(recipient_id=recipient_id, council_id=council_id,
                                                         week_starting=week)
            except IntegrityError:
                return 0  # this week's summary has gone already
        else:
            batch = OutgoingEmail.objects.create(recipient_id=recipient_id, council_id=council_id)
        # The claim: a second sender's UPDATE waits for this transaction, then matches nothing.
        claimed = (Notification.objects.filter(recipient_id=recipient_id, council_id=council_id).unsent(email)
                   .update(emailed_at=batch.sent_at, sent_in=batch))
        if not claimed:
            transaction.set_rollback(True)
            return 0
        rows = list(Notification.objects.filter(sent_in=batch).select_related("recipient", "council")
                    .order_by("created_at", "pk"))
        recipient = rows[0].recipient
        if not recipient.email:
            _undeliverable(batch, "There is no email address for this person.")
            return 0
        try:
            connection.send_messages([compose(rows, summary=week is not None, origin=origin)])
        except smtplib.SMTPRecipientsRefused as refused:
            _undeliverable(batch, f"The mail server refused the address: {refused.recipients}"[:500])
            return 0
    return 1


def _undeliverable(batch: OutgoingEmail, reason: str) -> None:
    """Records that the batch's notifications cannot be emailed (kept in the list), and drops the batch."""
    Notification.objects.filter(sent_in=batch).update(emailed_at=None, sent_in=None, email=Notification.Email.NONE,
                                                      email_error=reason)
    batch.delete()


def compose(rows: list[Notification], *, summary: bool, origin: str = "") -> EmailMultiAlternatives:
    """Returns the email telling `rows`' recipient about them: text, with an HTML alternative.

    Its links start with `absolute_urls.email_origin(origin)`.
    """
    recipient = rows[0].recipient
    count = len(rows)
    if summary:
        subject = f"Your weekly summary: {count} notification{'s' if count != 1 else ''}"
    elif count == 1:
        subject = rows[0].title
    else:
        subject = f"{count} new notifications about your peer challenge action plans"
    base = email_origin(origin)
    context = {
        "recipient": recipient,
        "notifications": rows,
        "items": [(row, absolute_url(row.url, origin=base)) for row in rows],
        "summary": summary,
        "council": rows[0].council,
        "list_url": f"{base}{reverse('notifications')}",
        "settings_url": f"{base}{reverse('notification_settings')}",
        "organisation_name": settings.PEERTRACK_ORGANISATION,
    }
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string("notifications/email/message.txt", context),
        to=[recipient.email],
        headers={"Auto-Submitted": "auto-generated"},  # RFC 3834: no out-of-office replies
    )
    message.attach_alternative(render_to_string("notifications/email/message.html", context), "text/html")
    return message
