"""Every kind is written once, with its audience, its question and whether it may be off."""

from __future__ import annotations

from notifications.kinds import COORDINATOR, OFFICER, SCRUTINY, SPECS, Delivery, Kind


def test_every_kind_has_its_spec():
    assert set(SPECS) == set(Kind.values)
    assert {spec.audience for spec in SPECS.values()} == {OFFICER, COORDINATOR, SCRUTINY}


def test_only_kinds_that_ask_nothing_may_be_off():
    may_be_off = {kind for kind, spec in SPECS.items() if Delivery.OFF in spec.choices}
    assert may_be_off == {Kind.DUE_SOON, Kind.REPORTED_COMPLETE, Kind.INBOX_DIGEST, Kind.PACK_ISSUED}
    assert all(spec.default in spec.choices for spec in SPECS.values())
    assert SPECS[Kind.PACK_ISSUED].default == Delivery.OFF  # scrutiny members opt in
