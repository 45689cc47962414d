from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory

from reviews.models import CommitteeReport, IssuedPack
from tests.reviews.conftest import make_pack


@pytest.mark.django_db
def test_admin_never_adds_changes_or_deletes_an_issued_pack(report, admin_user):
    pack = make_pack(report=report)
    request = RequestFactory().get("/")
    request.user = admin_user
    pack_admin = site._registry[IssuedPack]
    assert not pack_admin.has_add_permission(request)
    assert not pack_admin.has_change_permission(request, pack)
    assert not pack_admin.has_delete_permission(request, pack)


@pytest.mark.django_db
def test_a_report_with_issued_packs_cannot_be_deleted(report, admin_user):
    request = RequestFactory().get("/")
    request.user = admin_user
    report_admin = site._registry[CommitteeReport]
    assert report_admin.has_delete_permission(request, report)
    make_pack(report=report)
    assert not report_admin.has_delete_permission(request, report)
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        report.delete()


@pytest.mark.django_db
def test_superuser_can_view_an_issued_pack_in_the_admin(client, report, admin_user):
    pack = make_pack(report=report)
    client.force_login(admin_user)
    response = client.get(f"/admin/reviews/issuedpack/{pack.pk}/change/")
    assert response.status_code == 200
    assert pack.sha256 in response.content.decode()
