"""Inviting many people from a CSV file: a preview, then everyone or nobody; hostile files refused."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signing import dumps
from django.urls import reverse

from recommendations.models import Invitation
from recommendations.people import csv_import

pytestmark = pytest.mark.django_db
HEADER = "First name,Last name,Email,Role\n"


def upload(client, text, *, name="people.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post(reverse("people_import", args=["northtown"]), {"file": SimpleUploadedFile(name, data)})


def payload_of(response):
    import re

    found = re.search(r'name="payload" value="([^"]+)"', response.content.decode())
    return found[1] if found else ""


def confirm(client, payload, capture):
    with capture(execute=True):
        return client.post(reverse("people_import_confirm", args=["northtown"]), {"payload": payload})


def test_a_good_file_previews_then_invites_everyone(client, dave, django_capture_on_commit_callbacks):
    client.force_login(dave)
    preview = upload(
        client,
        "\ufeff" + HEADER + "Nina,New,nina@northtown.gov.uk,Officer\n"
        "Sam,Scrutiny,SAM@northtown.gov.uk,scrutiny member\n,,,\n",
    )
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "2 people in the file" in page and "Invite 2 people" in page
    assert not Invitation.objects.exists() and not mail.outbox
    done = confirm(client, payload_of(preview), django_capture_on_commit_callbacks)
    assert done.status_code == 302
    assert sorted(Invitation.objects.values_list("email", "role")) == [
        ("nina@northtown.gov.uk", "officer"),
        ("sam@northtown.gov.uk", "scrutiny"),
    ]
    assert sorted(m.to[0] for m in mail.outbox) == ["nina@northtown.gov.uk", "sam@northtown.gov.uk"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (HEADER + "Nina,New,not-an-email,Officer\n", "Row 2: Enter an email address"),
        (HEADER + "Nina,New,nina@x.gov.uk,Chief\n", "Row 2: Role must be"),
        (HEADER + "=cmd|' /C calc'!A0,New,nina@x.gov.uk,Officer\n", "would run as a formula"),
        (HEADER + "+SUM(1),New,nina@x.gov.uk,Officer\n", "would run as a formula"),
        (HEADER + "Nina\x1b[31m,New,nina@x.gov.uk,Officer\n", "control character"),
        (HEADER + "Nina,New,nina@x.gov.uk,Officer\nNia,Other,NINA@x.gov.uk,Officer\n", "also on row 2"),
        (HEADER + ",New,nina@x.gov.uk,Officer\n", "Enter a first name"),
        (HEADER + "N" * 300 + ",New,nina@x.gov.uk,Officer\n", "too long"),
        (HEADER + "Nina,New,nina@x.gov.uk,Administrator\n", ""),  # allowed for an administrator: see below
        ("Name,Address\nNina,somewhere\n", "must name the columns"),
        (HEADER, "nobody in it"),
        ("", "The file is empty"),
        ('a,"b\n' * 3, "must name the columns"),
    ],
)
def test_a_file_with_any_problem_invites_nobody(client, alice, text, message, django_capture_on_commit_callbacks):
    """As a coordinator (who may not invite administrators): every problem is shown, nothing written."""
    client.force_login(alice)
    good = "Olga,Fine,olga@northtown.gov.uk,Officer\n"
    response = upload(client, text + (good if text.startswith(HEADER) and text != HEADER else ""))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Error: " in page and ("nobody has been invited" in page or text == "")
    assert message in page if message else "Only an administrator can invite an administrator" in page
    assert payload_of(response) == ""
    assert not Invitation.objects.exists() and not mail.outbox


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x00\x01PK\x03\x04binary", "binary data"),
        ("First name,Last name,Email,Role\nRenée,Ö,r@x.gov.uk,Officer\n".encode("latin-1"), "not UTF-8"),
        (b"First name,Last name,Email,Role\n" + b"A,B,a@x.gov.uk,Officer\n" * 501, "at most 500"),
        (b"x" * (csv_import.MAX_BYTES + 1), "KB"),
    ],
)
def test_hostile_files_are_refused_with_a_message(client, dave, data, message):
    client.force_login(dave)
    response = upload(client, data, name="people.xlsx")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Invitation.objects.exists()


def test_script_in_a_name_is_shown_escaped(client, dave):
    client.force_login(dave)
    response = upload(client, HEADER + '<script>alert("pt")</script>,X,x@northtown.gov.uk,Officer\n')
    assert "<script>alert(" not in response.content.decode()


def test_someone_invited_between_preview_and_confirm_makes_the_whole_file_fail(
    client, dave, django_capture_on_commit_callbacks
):
    client.force_login(dave)
    preview = upload(
        client, HEADER + "Nina,New,nina@northtown.gov.uk,Officer\nOlga,Fine,olga@northtown.gov.uk,Officer\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("person_invite", args=["northtown"]),
            {"first_name": "Olga", "email": "olga@northtown.gov.uk", "role": "officer"},
        )
    response = confirm(client, payload_of(preview), django_capture_on_commit_callbacks)
    assert response.status_code == 400 and "already been invited" in response.content.decode()
    assert list(Invitation.objects.values_list("email", flat=True)) == ["olga@northtown.gov.uk"]


def test_a_forged_or_another_councils_payload_is_refused(client, dave, southport, django_capture_on_commit_callbacks):
    client.force_login(dave)
    forged = dumps(
        {"council": southport.pk, "rows": [["Eve", "", "eve@x.gov.uk", "administrator"]]}, salt=csv_import.SALT
    )
    for payload in ("nonsense", forged, forged + "x", ""):
        response = confirm(client, payload, django_capture_on_commit_callbacks)
        assert response.status_code == 400 and "Upload the file again" in response.content.decode()
    assert not Invitation.objects.exists()


def test_confirming_twice_invites_once(client, dave, django_capture_on_commit_callbacks):
    client.force_login(dave)
    preview = upload(client, HEADER + "Nina,New,nina@northtown.gov.uk,Officer\n")
    payload = payload_of(preview)
    assert confirm(client, payload, django_capture_on_commit_callbacks).status_code == 302
    assert confirm(client, payload, django_capture_on_commit_callbacks).status_code == 400
    assert Invitation.objects.count() == 1 and len(mail.outbox) == 1
