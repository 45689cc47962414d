"""The evidence file limits as shipped (issue 15): 20 MB a file and 5 files an update, and the form says so."""

from __future__ import annotations

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_out_of_the_box_a_file_may_be_20_mb_and_an_update_have_5(client, action, bob):
    assert settings.PEERTRACK_EVIDENCE_MAX_BYTES == 20 * 1024 * 1024
    assert settings.PEERTRACK_EVIDENCE_MAX_FILES == 5
    client.force_login(bob)
    html = client.get(action.get_absolute_url()).content.decode()
    assert "Up to 5 files, each 20 MB or smaller" in html
