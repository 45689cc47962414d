"""Signed-in pages and private downloads are never stored by a browser or a proxy; static files keep
their long cache, and a view's own stricter header is kept."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.http import HttpResponse
from django.templatetags.static import static
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from peertrack.caching import PrivateCacheMiddleware
from recommendations import imports
from reviews.models import PackJob
from tests import factories
from tests.factories import make_pack, make_report, make_review
from tests.recommendations.evidence_helpers import make_evidence_file
from tests.recommendations.import_helpers import xlsx_bytes

DOWNLOAD_MARKS = (".csv", ".xlsx", ".pdf", "download")


def assert_not_stored(response):
    url = response.wsgi_request.get_full_path()
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    assert {"no-store", "private"} <= directives, (url, response.get("Cache-Control"))
    assert "public" not in directives, url
    assert "Cookie" in response.get("Vary", ""), url


def _routes(patterns: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[tuple[str, str]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif pattern.name:
            yield pattern.name, prefix + str(pattern.pattern)


def download_route_names() -> set[str]:
    """Returns the name of every URL that serves a file, found from the URL configuration."""
    return {name for name, route in _routes(get_resolver().url_patterns)
            if any(mark in route for mark in DOWNLOAD_MARKS)}


@pytest.fixture
def objects(media_root, challenge, recommendation, action, alice):
    update = factories.make_update(action=action, author=alice)
    evidence_file = make_evidence_file(update=update)
    report = make_report(challenge=challenge, by=alice)
    pack = make_pack(report=report, content=b"%PDF-1.7 the pack as issued", docx_content=b"PK the covering report")
    job = PackJob.objects.create(report=report, kind=PackJob.Kind.PREVIEW, status=PackJob.Status.DONE,
                                 requested_by=alice)
    job.preview.save("draft.pdf", ContentFile(b"%PDF-1.7 the draft"))
    upload = xlsx_bytes([[recommendation.number, "A row with no lead or date", "", ""]])
    token = imports.UploadStore().save(data=upload, filename="plan.xlsx", user_id=alice.pk,
                                       challenge_id=challenge.pk)
    review = make_review(challenge=challenge)
    return {"challenge": challenge, "recommendation": recommendation, "action": action,
            "report": report, "pack": pack, "review": review, "evidence_file": evidence_file,
            "upload_token": token}


def download_urls(objects) -> dict[str, str]:
    slug = objects["challenge"].slug
    return {
        "action_plan_csv": reverse("action_plan_csv", args=[slug]),
        "action_plan_xlsx": reverse("action_plan_xlsx", args=[slug]),
        "action_plan_template": reverse("action_plan_template", args=[slug]),
        "action_plan_export": reverse("action_plan_export", args=[slug]),
        "pack_download": objects["pack"].get_download_url(),
        "evidence_download": reverse("evidence_download", args=[slug, objects["action"].pk,
                                                                objects["evidence_file"].pk]),
        "statement_pdf": reverse("statement_pdf", args=[slug, objects["review"].pk]),
        "pack_download_docx": reverse("pack_download_docx", args=[slug, objects["pack"].sequence]),
        "committee_report_preview_pdf": reverse("committee_report_preview_pdf", args=[slug, objects["report"].pk]),
        "action_plan_import_problems": reverse("action_plan_import_problems", args=[slug])
        + f"?token={objects['upload_token']}",
    }


def signed_in_pages(objects) -> list[str]:
    slug = objects["challenge"].slug
    return [
        reverse("home"),
        reverse("accessibility"),
        reverse("my_actions"),
        reverse("portfolio"),
        reverse("search") + "?q=masterplan",
        reverse("challenge", args=[slug]),
        reverse("recommendation", args=[slug, objects["recommendation"].number]),
        reverse("action", args=[slug, objects["action"].pk]),
        reverse("action_edit", args=[slug, objects["action"].pk]),
        reverse("dashboard", args=[slug]),
        reverse("action_plan", args=[slug]),
        reverse("action_plan_import", args=[slug]),
        reverse("pack_list", args=[slug]),
        objects["report"].get_absolute_url(),
        reverse("review_index", args=[slug]),
        objects["review"].get_absolute_url(),
        reverse("password_change"),
    ]


def test_every_download_url_is_in_the_table(objects):
    assert download_route_names() == set(download_urls(objects))


def test_every_private_download_is_never_stored(client, alice, objects):
    client.force_login(alice)
    for name, url in download_urls(objects).items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert response.has_header("Content-Disposition"), name
        assert_not_stored(response)


def test_signed_in_pages_are_never_stored(client, alice, objects):
    client.force_login(alice)
    for url in signed_in_pages(objects):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_not_stored(response)


def test_error_pages_for_a_signed_in_user_are_never_stored(client, alice, mallory, objects):
    client.force_login(mallory)
    assert_not_stored(client.get(reverse("challenge", args=[objects["challenge"].slug])))  # 404
    client.force_login(alice)
    response = client.post(reverse("action_progress", args=[objects["challenge"].slug, 99999]), {})
    assert response.status_code == 404
    assert_not_stored(response)


def test_the_sign_in_page_is_not_stored_either(client):
    # Django's LoginView sends no-store itself (the form carries a CSRF token); it is kept.
    response = client.get(reverse("login"))
    assert "no-store" in response["Cache-Control"]


def test_anonymous_public_pages_are_left_alone(client, db):
    response = client.get(reverse("accessibility"))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.parametrize("signed_in", [False, True])
def test_static_files_keep_their_long_cache(client, alice, settings, signed_in):
    if signed_in:
        client.force_login(alice)
    response = client.get(static("build/app.css"))
    assert response.status_code == 200
    assert response["Cache-Control"] == f"max-age={settings.WHITENOISE_MAX_AGE}, public"


def _through_middleware(header: str | None, *, user) -> HttpResponse:
    def view(_request):
        response = HttpResponse("plan")
        if header is not None:
            response["Cache-Control"] = header
        return response

    request = RequestFactory().get("/")
    request.user = user
    return PrivateCacheMiddleware(view)(request)


def test_a_views_own_no_store_header_is_kept(alice):
    header = "max-age=0, no-cache, no-store, must-revalidate, private"
    assert _through_middleware(header, user=alice)["Cache-Control"] == header


def test_a_weaker_header_on_a_signed_in_page_is_made_private(alice):
    directives = {part.strip() for part in
                  _through_middleware("public, max-age=600", user=alice)["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives and "public" not in directives


def test_a_file_download_is_private_even_without_a_signed_in_user(db):
    def view(_request):
        response = HttpResponse(b"a,b\n", content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="plan.csv"'
        return response

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert "no-store" in PrivateCacheMiddleware(view)(request)["Cache-Control"]
