from __future__ import annotations

import pytest
from django.urls import reverse

from tests.reviews.conftest import make_pack


@pytest.fixture
def pack(report):
    return make_pack(report=report, content=b"%PDF-1.7 the pack as issued")


@pytest.mark.django_db
def test_anonymous_user_is_sent_to_sign_in(client, pack):
    response = client.get(pack.get_download_url())
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["alice", "bob", "carol", "dave"])
def test_every_role_of_the_council_downloads_the_pack_as_issued(client, request, persona, pack):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(pack.get_download_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="{pack.filename}"' in response["Content-Disposition"]
    assert response.content == b"%PDF-1.7 the pack as issued"


@pytest.mark.django_db
def test_another_councils_user_gets_404(client, mallory, pack):
    client.force_login(mallory)
    assert client.get(pack.get_download_url()).status_code == 404


@pytest.mark.django_db
def test_an_unknown_pack_is_not_found(client, carol, challenge):
    client.force_login(carol)
    assert client.get(reverse("pack_download", args=[challenge.slug, 99])).status_code == 404


@pytest.mark.django_db
def test_a_changed_file_is_refused_with_a_clear_message(client, carol, pack):
    with open(pack.file.path, "wb") as stored:
        stored.write(b"%PDF-1.7 something else")
    client.force_login(carol)
    response = client.get(pack.get_download_url())
    assert response.status_code == 409
    body = response.content.decode()
    assert "This pack cannot be downloaded" in body
    assert "no longer matches the SHA-256 recorded when it was issued" in body
    assert pack.sha256 in body


@pytest.mark.django_db
def test_a_missing_file_is_refused_with_a_clear_message(client, carol, pack):
    pack.file.storage.delete(pack.file.name)
    client.force_login(carol)
    response = client.get(pack.get_download_url())
    assert response.status_code == 409
    assert "cannot be found" in response.content.decode()


@pytest.mark.django_db
def test_post_is_not_allowed(client, carol, pack):
    client.force_login(carol)
    assert client.post(pack.get_download_url()).status_code == 405


@pytest.fixture
def pack_with_word(report):
    return make_pack(report=report, content=b"%PDF-1.7 the pack", docx_content=b"PK the Word report as issued")


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["alice", "bob", "carol", "dave"])
def test_every_role_downloads_the_word_version_as_issued(client, request, persona, pack_with_word):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(pack_with_word.get_docx_download_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert f'filename="{pack_with_word.docx_filename}"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content == b"PK the Word report as issued"


@pytest.mark.django_db
def test_another_councils_user_cannot_download_the_word_version(client, mallory, pack_with_word):
    client.force_login(mallory)
    assert client.get(pack_with_word.get_docx_download_url()).status_code == 404


@pytest.mark.django_db
def test_a_changed_word_file_is_refused_and_the_pdf_still_downloads(client, carol, pack_with_word):
    with open(pack_with_word.docx.path, "wb") as stored:
        stored.write(b"PK changed")
    client.force_login(carol)
    response = client.get(pack_with_word.get_docx_download_url())
    assert response.status_code == 409
    assert pack_with_word.docx_sha256 in response.content.decode()
    assert client.get(pack_with_word.get_download_url()).status_code == 200


@pytest.mark.django_db
def test_a_pack_issued_before_word_versions_says_it_has_none(client, carol, pack):
    client.force_login(carol)
    response = client.get(pack.get_docx_download_url())
    assert response.status_code == 409
    assert "issued before packs had a Word version" in response.content.decode()
