from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import make_pack
from tests.reviews.review_fixtures import READ, assert_access

pytestmark = pytest.mark.django_db

WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def pack(report):
    return make_pack(report=report, content=b"%PDF-1.7 the pack as issued")


@pytest.fixture
def pack_with_word(report):
    return make_pack(report=report, content=b"%PDF-1.7 the pack as issued",
                     docx_content=b"PK the Word report as issued")


@pytest.fixture
def carol_client(client, carol):
    """The client of carol, a scrutiny member of the pack's council."""
    client.force_login(carol)
    return client


def _overwrite(stored_file, content):
    with open(stored_file.path, "wb") as stored:
        stored.write(content)


@pytest.mark.parametrize(("username", "status"), READ.items())
@pytest.mark.parametrize(
    ("url", "content_type", "filename", "content"),
    [
        pytest.param("get_download_url", "application/pdf", "filename", b"%PDF-1.7 the pack as issued", id="pdf"),
        pytest.param("get_docx_download_url", WORD, "docx_filename", b"PK the Word report as issued", id="word"),
    ],
)
def test_whoever_may_read_the_challenge_downloads_each_version_as_issued(
    client, everyone, username, status, pack_with_word, url, content_type, filename, content
):
    response = assert_access(client, username, status, getattr(pack_with_word, url)())
    if status == 200:
        assert response["Content-Type"] == content_type
        assert f'filename="{getattr(pack_with_word, filename)}"' in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response.content == content


def test_an_unknown_pack_is_not_found(carol_client, challenge):
    assert carol_client.get(reverse("pack_download", args=[challenge.slug, 99])).status_code == 404


def test_a_changed_file_is_refused_with_a_clear_message(carol_client, pack):
    _overwrite(pack.file, b"%PDF-1.7 something else")
    response = carol_client.get(pack.get_download_url())
    assert response.status_code == 409
    body = response.content.decode()
    assert "This pack cannot be downloaded" in body
    assert "no longer matches the SHA-256 recorded when it was issued" in body
    assert pack.sha256 in body


def test_a_missing_file_is_refused_with_a_clear_message(carol_client, pack):
    pack.file.storage.delete(pack.file.name)
    response = carol_client.get(pack.get_download_url())
    assert response.status_code == 409
    assert "cannot be found" in response.content.decode()


def test_post_is_not_allowed(carol_client, pack):
    assert carol_client.post(pack.get_download_url()).status_code == 405


def test_a_changed_word_file_is_refused_and_the_pdf_still_downloads(carol_client, pack_with_word):
    _overwrite(pack_with_word.docx, b"PK changed")
    response = carol_client.get(pack_with_word.get_docx_download_url())
    assert response.status_code == 409
    assert pack_with_word.docx_sha256 in response.content.decode()
    assert carol_client.get(pack_with_word.get_download_url()).status_code == 200


def test_a_pack_issued_before_word_versions_says_it_has_none(carol_client, pack):
    response = carol_client.get(pack.get_docx_download_url())
    assert response.status_code == 409
    assert "issued before packs had a Word version" in response.content.decode()
