"""A committee pack issued and an officer switched off, each run twice (a retry, a restart): told once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from notifications.kinds import Delivery, Kind
from notifications.models import Notification
from notifications.tasks import notify
from tests import factories
from tests.factories import make_pack, make_report
from tests.notifications.conftest import choose

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def test_a_pack_and_a_switched_off_officer_run_twice_tell_once(people, challenge, recommendation, northtown):
    alice, bob = people["alice"], people["bob"]
    choose(people["carol"], Kind.PACK_ISSUED, Delivery.IMMEDIATE)
    pack = make_pack(report=make_report(challenge=challenge, by=alice), issued_by=alice)
    factories.make_action(recommendation=recommendation, lead_officer=bob,
                          due_date=timezone.localdate() + dt.timedelta(days=90))
    bob.is_active = False
    bob.save()
    for _ in range(2):
        notify.enqueue(council_id=northtown.pk, event="pack", object_id=pack.pk)
        notify.enqueue(council_id=northtown.pk, event="deactivated", object_id=bob.pk)
    made = sorted(Notification.objects.values_list("recipient__username", "kind"))
    assert made == [("alice", Kind.OFFICER_DEACTIVATED), ("carol", Kind.PACK_ISSUED)]
    assert sorted(message.to[0] for message in mail.outbox) == ["alice@northtown.example", "carol@northtown.example"]
