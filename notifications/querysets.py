"""QuerySets for notifications: every page starts from the signed-in person's own."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Count, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


class NotificationQuerySet(models.QuerySet):
    def for_recipient(self, user: AbstractBaseUser | AnonymousUser) -> NotificationQuerySet:
        """Returns `user`'s own notifications (none for a signed-out visitor)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)

    def mark_read(self) -> int:
        """Marks the unread ones read now; returns how many."""
        return self.unread().update(read_at=timezone.now())

    def unsent(self, email: str) -> NotificationQuerySet:
        """Returns those to be emailed the `email` way (immediate or digest) and not emailed yet."""
        return self.filter(email=email, emailed_at__isnull=True)

    def unread_count(self, recipient: Any) -> Coalesce:
        """An expression counting `recipient`'s unread notifications (e.g. `OuterRef("user")`),
        for annotating a query the page makes anyway, so the header's count costs no query."""
        unread = (self.filter(recipient=recipient, read_at__isnull=True).order_by().values("recipient")
                  .annotate(count=Count("pk")).values("count"))
        return Coalesce(Subquery(unread), 0)
