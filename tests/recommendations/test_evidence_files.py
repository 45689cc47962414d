"""Evidence files on progress updates: what is accepted (by content), what is refused (and that
nothing is then stored), who may download them and how, append-only, the pack, and backups."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from recommendations import evidence
from recommendations.forms import open_periods
from recommendations.models import Action, EvidenceFile, ProgressUpdate
from reviews.packs.pdf import render_html
from reviews.packs.snapshot import build_snapshot
from tests import factories
from tests.assertions import assert_append_only
from tests.recommendations import evidence_helpers as files
from tests.recommendations.evidence_helpers import make_evidence_file, upload
from tests.reviews._pdf import pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def stored_files(media: Path) -> list[Path]:
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


def progress_url(action: Action) -> str:
    return reverse("action_progress", args=[action.recommendation.challenge.slug, action.pk])


def download_url(stored: EvidenceFile) -> str:
    action = stored.update.action
    return reverse("evidence_download", args=[action.recommendation.challenge.slug, action.pk, stored.pk])


def post(client: Any, action: Action, *uploads: Any, **extra: Any) -> Any:
    data = {"rag": "green", "period": open_periods()[0].key, "narrative": "Cabinet approved the plan.",
            "evidence_files": list(uploads), **extra}
    return client.post(progress_url(action), data)


def counts() -> tuple[int, int]:
    return ProgressUpdate.objects.count(), EvidenceFile.objects.count()


# --- what is accepted ------------------------------------------------------------------------

ACCEPTED = [
    ("minutes.pdf", lambda: files.PDF, "application/pdf", "PDF"),
    ("cabinet report.docx", lambda: files.ooxml("docx"),
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word document"),
    ("homes.xlsx", files.xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
     "Excel spreadsheet"),
    ("briefing.pptx", lambda: files.ooxml("pptx"),
     "application/vnd.openxmlformats-officedocument.presentationml.presentation", "PowerPoint presentation"),
    ("old report.doc", lambda: files.compound_file("WordDocument", "1Table"), "application/msword",
     "Word 97-2003 document"),
    ("old figures.xls", lambda: files.compound_file("Workbook"), "application/vnd.ms-excel",
     "Excel 97-2003 spreadsheet"),
    ("old slides.ppt", lambda: files.compound_file("PowerPoint Document", "Current User"),
     "application/vnd.ms-powerpoint", "PowerPoint 97-2003 presentation"),
    ("site.png", lambda: files.image("PNG"), "image/png", "PNG image"),
    ("site.jpg", lambda: files.image("JPEG"), "image/jpeg", "JPEG image"),
    ("site.JPEG", lambda: files.image("JPEG"), "image/jpeg", "JPEG image"),
    ("site.gif", lambda: files.image("GIF"), "image/gif", "GIF image"),
    ("site.webp", lambda: files.image("WEBP"), "image/webp", "WebP image"),
    ("figures.csv", lambda: files.CSV, "text/csv", "CSV file"),
    ("windows figures.csv", lambda: "Ward,Café\nFoleshill,1\n".encode("cp1252"), "text/csv", "CSV file"),
]


@pytest.mark.parametrize(("name", "build", "content_type", "label"), ACCEPTED,
                         ids=[case[0] for case in ACCEPTED])
def test_each_accepted_kind_is_stored_with_its_update(client, action, bob, media_root, name, build, content_type,
                                                      label):
    content = build()
    client.force_login(bob)
    response = post(client, action, upload(name, content))
    assert response.status_code == 302
    stored = EvidenceFile.objects.get()
    assert stored.update == action.updates.get()
    assert (stored.name, stored.content_type, stored.kind_label) == (name, content_type, label)
    assert (stored.size, stored.sha256) == (len(content), hashlib.sha256(content).hexdigest())
    # Stored under the challenge with a random name: never the uploader's name.
    assert re.fullmatch(rf"evidence/{action.recommendation.challenge.slug}/[0-9a-f]{{32}}\.\w+", stored.file.name)
    assert name.rpartition(".")[0] not in stored.file.name
    assert (media_root / stored.file.name).read_bytes() == content
    assert client.get(response.url).content.decode().count(name) == 1


def test_five_files_are_stored_with_one_update_and_the_page_says_so(client, action, bob):
    client.force_login(bob)
    uploads = [upload(f"minutes {n}.pdf", files.PDF + f"% copy {n}\n".encode()) for n in range(5)]
    response = post(client, action, *uploads)
    assert counts() == (1, 5)
    page = client.get(response.url).content.decode()
    assert "Your progress update and 5 evidence files have been saved." in page


def test_the_type_of_a_csv_file_is_read_from_its_content_not_its_first_letters(client, action, bob):
    # "BM" starts a bitmap; a CSV file may start with it too.
    client.force_login(bob)
    assert post(client, action, upload("cars.csv", b"BMW,3\nFord,2\n")).status_code == 302
    assert EvidenceFile.objects.get().content_type == "text/csv"


# --- what is refused, and that nothing is then stored ------------------------------------------


def _many_members() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number in range(1001):
            archive.writestr(f"xl/part{number}.xml", "")
    return buffer.getvalue()


def _looping_compound_file() -> bytes:
    data = bytearray(files.compound_file("WordDocument"))
    data[512 + 4:512 + 8] = (1).to_bytes(4, "little")  # the directory's sector points at itself
    return bytes(data)


REFUSED = [
    ("report.exe", lambda: b"MZ\x90\x00" + b"\0" * 200,
     "report.exe is not a PDF, Word, Excel, PowerPoint, image or CSV file"),
    ("report.pdf", lambda: b"\x7fELF\x02\x01\x01\x00" + b"\0" * 200,
     "report.pdf is not a PDF, Word, Excel, PowerPoint, image or CSV file: its content is not a PDF"),
    ("report.pdf", lambda: b"MZ\x90\x00\x03" + b"\0" * 200,
     "report.pdf is not a PDF, Word, Excel, PowerPoint, image or CSV file: its content is not a PDF"),
    ("masterplan.docx", files.zip_bomb_docx, "masterplan.docx could not be opened safely as a Word document"),
    ("figures.docx", files.xlsx,
     "figures.docx is called a Word document but its content is an Excel spreadsheet. Rename it to end .xlsx"),
    ("figures.csv", lambda: b"Ward,Homes\nFoleshill,\x0012\n", "figures.csv is not a CSV file: it holds binary data"),
    ("figures.csv", lambda: b"Ward,\x81\x8d\x8f\n", "figures.csv is not a CSV file peertrack can read"),
    ("photo.jpg", lambda: files.image("PNG"), "photo.jpg is called a JPEG image but its content is a PNG image"),
    ("plan.xlsx", _many_members, "plan.xlsx could not be opened safely as an Excel spreadsheet"),
    ("plan.docx", lambda: files.ooxml("docx", doctype='<!DOCTYPE t [<!ENTITY a "aaaa">]>'),
     "plan.docx could not be opened safely as a Word document"),
    ("plan.docx", lambda: files.ooxml("docx", content_types=False),
     "plan.docx is not a PDF, Word, Excel, PowerPoint, image or CSV file: its content is not a Word document"),
    ("plan.docx", lambda: files.ooxml("docm"), "plan.docx contains macros, which peertrack does not accept"),
    ("plan.doc", lambda: files.compound_file("WordDocument", storages=("Macros",)), "plan.doc contains macros"),
    ("plan.docx", lambda: files.compound_file("EncryptionInfo", "EncryptedPackage"), "plan.docx is password-protected"),
    ("installer.doc", lambda: files.compound_file("SummaryInformation"),
     "installer.doc is not a PDF, Word, Excel, PowerPoint, image or CSV file"),
    ("loop.doc", _looping_compound_file, "loop.doc could not be opened safely as a Word 97-2003 document"),
    ("empty.pdf", lambda: b"", "empty.pdf is empty"),
    ("notes", lambda: b"hello", "notes is not a PDF, Word, Excel, PowerPoint, image or CSV file"),
]


@pytest.mark.parametrize(("name", "build", "message"), REFUSED, ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(REFUSED)])
def test_a_refused_file_is_named_with_the_reason_and_nothing_is_stored(client, action, bob, media_root, name, build,
                                                                      message):
    client.force_login(bob)
    response = post(client, action, upload("minutes.pdf", files.PDF), upload(name, build()))
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html.replace("&#x27;", "'")
    assert "There is a problem" in html
    assert '<a href="#id_evidence_files">' in html
    assert 'id="id_evidence_files-error"' in html
    assert "minutes.pdf" not in html  # the good file is not blamed
    assert counts() == (0, 0)
    assert stored_files(media_root) == []


def test_an_oversized_file_is_refused_against_the_configured_limit(client, action, bob, settings, media_root):
    settings.PEERTRACK_EVIDENCE_MAX_BYTES = 1024 * 1024
    client.force_login(bob)
    big = files.PDF + b"%" + b"x" * (1024 * 1024 + 512 * 1024)
    response = post(client, action, upload("scan.pdf", big))
    assert "scan.pdf must be 1 MB or smaller; it is 1.6 MB" in response.content.decode()
    assert counts() == (0, 0) and stored_files(media_root) == []
    assert "each 1 MB or smaller" in response.content.decode()  # the hint says the limit in force


def test_more_than_five_files_are_refused(client, action, bob, media_root):
    client.force_login(bob)
    uploads = [upload(f"minutes {n}.pdf", files.PDF + f"% copy {n}\n".encode()) for n in range(6)]
    response = post(client, action, *uploads)
    assert "Choose 5 files or fewer: you chose 6" in response.content.decode()
    assert counts() == (0, 0) and stored_files(media_root) == []


def test_the_number_of_files_follows_the_setting(client, action, bob, settings):
    settings.PEERTRACK_EVIDENCE_MAX_FILES = 2
    client.force_login(bob)
    uploads = [upload(f"minutes {n}.pdf", files.PDF + f"% copy {n}\n".encode()) for n in range(3)]
    assert "Choose 2 files or fewer: you chose 3" in post(client, action, *uploads).content.decode()


def test_the_same_file_twice_is_refused(client, action, bob):
    client.force_login(bob)
    response = post(client, action, upload("minutes.pdf", files.PDF), upload("minutes copy.pdf", files.PDF))
    assert "minutes copy.pdf is the same file as minutes.pdf: choose it once" in response.content.decode()
    assert counts() == (0, 0)


def test_every_refused_file_is_listed(client, action, bob):
    client.force_login(bob)
    html = post(client, action, upload("a.exe", b"MZ"), upload("b.csv", b"\x00")).content.decode()
    assert "a.exe is not a PDF" in html and "b.csv is not a CSV file" in html


def test_a_refused_update_keeps_none_of_its_files(client, challenge, recommendation, bob, media_root):
    finished = factories.make_action(recommendation=recommendation, reference="1.9", lead_officer=bob,
                                     status=Action.Status.COMPLETE)
    client.force_login(bob)
    response = post(client, finished, upload("minutes.pdf", files.PDF))
    assert response.status_code in (200, 302)
    assert counts() == (0, 0)
    assert stored_files(media_root) == []


def test_a_storage_failure_part_way_keeps_neither_the_update_nor_any_file(client, action, bob, media_root, monkeypatch):
    original = FileSystemStorage._save
    calls = {"count": 0}

    def fail_on_the_second(self: Any, name: str, content: Any) -> str:
        calls["count"] += 1
        if calls["count"] == 2:
            raise OSError("No space left on device")
        return original(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", fail_on_the_second)
    client.force_login(bob)
    response = post(client, action, upload("one.pdf", files.PDF), upload("two.png", files.image("PNG")))
    assert response.status_code == 200
    assert "The files could not be saved, so your update was not recorded" in response.content.decode()
    assert calls["count"] == 2
    assert counts() == (0, 0)
    assert stored_files(media_root) == []


def test_a_database_failure_after_the_files_are_written_removes_them(action, bob, media_root, monkeypatch):
    checked = evidence.check_all([upload("one.pdf", files.PDF), upload("two.png", files.image("PNG"))])
    original = EvidenceFile.save

    def fail_on_the_second(self: EvidenceFile, *args: Any, **kwargs: Any) -> None:
        if EvidenceFile.objects.exists():
            raise RuntimeError("the database went away")
        original(self, *args, **kwargs)

    monkeypatch.setattr(EvidenceFile, "save", fail_on_the_second)
    with pytest.raises(RuntimeError):
        evidence.record_progress(action=action, files=checked, rag="green", period=open_periods()[0],
                                 narrative="Done.", by=bob)
    assert counts() == (0, 0)
    assert stored_files(media_root) == []


# --- names --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "cleaned"), [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("C:\\Users\\bob\\minutes.pdf", "minutes.pdf"),
    ("report\u202efdp.exe", "reportfdp.exe"),
    ("min\x00utes\x1b.pdf", "minutes.pdf"),
    ("  spaced   out  .pdf ", "spaced out.pdf"),
    (".pdf", "pdf"),
    ("x" * 300 + ".pdf", "x" * 196 + ".pdf"),
])
def test_names_are_cleaned_before_they_are_shown_or_kept(raw, cleaned):
    assert evidence.clean_name(raw) == cleaned


def test_a_right_to_left_override_cannot_pass_a_program_off_as_a_pdf(client, action, bob):
    client.force_login(bob)
    html = post(client, action, upload("report\u202efdp.exe", files.PDF)).content.decode()
    assert "reportfdp.exe is not a PDF, Word, Excel, PowerPoint, image or CSV file" in html
    assert counts() == (0, 0)


# --- the page ----------------------------------------------------------------------------------


def test_the_form_posts_files_with_and_without_htmx(client, action, bob):
    client.force_login(bob)
    html = client.get(action.get_absolute_url()).content.decode()
    assert 'enctype="multipart/form-data"' in html and 'hx-encoding="multipart/form-data"' in html
    assert re.search(r'<input class="govuk-file-upload" id="id_evidence_files" name="evidence_files" '
                     r'type="file" multiple accept="\.pdf,[^"]*\.csv"', html)


def test_the_timeline_lists_each_file_with_its_type_and_size_as_a_download_link(client, action, bob):
    update = factories.make_update(action=action, author=bob)
    stored = make_evidence_file(update=update, name="Cabinet minutes.pdf")
    client.force_login(bob)
    html = client.get(action.get_absolute_url()).content.decode()
    link = f'<a class="govuk-link govuk-!-text-break-word" href="{download_url(stored)}">Cabinet minutes.pdf'
    assert link in html
    assert f"PDF, {len(files.PDF)}\xa0bytes" in html


def test_htmx_gets_the_timeline_with_the_new_files(client, action, bob):
    client.force_login(bob)
    response = client.post(progress_url(action), {
        "rag": "amber", "period": open_periods()[0].key, "narrative": "Slipped.",
        "evidence_files": [upload("minutes.pdf", files.PDF)]}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert "Your progress update and 1 evidence file have been saved." in html
    assert download_url(EvidenceFile.objects.get()) in html


def test_the_page_shows_each_update_with_its_files_in_a_bounded_number_of_queries(
        client, action, bob, django_assert_max_num_queries):
    for number in range(12):
        update = factories.make_update(action=action, author=bob, narrative=f"Update {number}")
        make_evidence_file(update=update, name=f"minutes {number}.pdf", content=files.PDF + bytes([number]))
    client.force_login(bob)
    with django_assert_max_num_queries(40):
        html = client.get(action.get_absolute_url()).content.decode()
    assert html.count("/download/") == 12


# --- downloading -------------------------------------------------------------------------------


@pytest.fixture
def stored(action: Action, bob: Any) -> EvidenceFile:
    update = factories.make_update(action=action, author=bob)
    return make_evidence_file(update=update, name="Rapport d’activité.pdf")


def test_the_download_is_the_file_as_uploaded_with_safe_headers(client, carol, stored):
    client.force_login(carol)
    response = client.get(download_url(stored))
    assert response.status_code == 200
    assert response.content == files.PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"Rapport dactivite.pdf\"; filename*=UTF-8''Rapport%20d%E2%80%99activit%C3%A9.pdf")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_a_csv_file_is_sent_as_csv_and_never_as_a_page(client, action, bob):
    update = factories.make_update(action=action, author=bob)
    stored = make_evidence_file(update=update, name="<script>.csv", content=b"<script>alert(1)</script>\n")
    client.force_login(bob)
    response = client.get(download_url(stored))
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="_script_.csv"' in response["Content-Disposition"]


@pytest.mark.parametrize("persona", ["alice", "bob", "olive", "carol", "dave"])
def test_everyone_in_the_council_downloads(client, request, persona, stored):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(download_url(stored)).status_code == 200


def test_a_guest_peer_of_the_challenge_downloads(client, challenge, stored):
    client.force_login(factories.make_guest(challenge=challenge))
    assert client.get(download_url(stored)).status_code == 200


def test_another_councils_user_gets_404(client, mallory, stored):
    client.force_login(mallory)
    assert client.get(download_url(stored)).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, stored):
    response = client.get(download_url(stored))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_file_of_another_action_is_not_found_under_this_actions_address(client, recommendation, bob, alice,
                                                                          stored):
    other = factories.make_action(recommendation=recommendation, reference="1.5", lead_officer=bob)
    client.force_login(alice)
    url = reverse("evidence_download", args=[recommendation.challenge.slug, other.pk, stored.pk])
    assert client.get(url).status_code == 404


def test_a_file_of_another_council_is_not_found_under_an_own_address(client, southport, mallory, alice, action):
    theirs = factories.make_challenge(council=southport, slug="southport-2024")
    their_action = factories.make_action(recommendation=factories.make_recommendation(challenge=theirs),
                                         lead_officer=mallory)
    foreign = make_evidence_file(update=factories.make_update(action=their_action, author=mallory))
    client.force_login(alice)
    url = reverse("evidence_download", args=[action.recommendation.challenge.slug, action.pk, foreign.pk])
    assert client.get(url).status_code == 404


def test_a_download_takes_no_post(client, bob, stored):
    client.force_login(bob)
    assert client.post(download_url(stored)).status_code == 405


def test_a_changed_file_is_refused_with_a_plain_message(client, carol, stored, media_root):
    (media_root / stored.file.name).write_bytes(files.PDF + b"% edited\n")
    client.force_login(carol)
    response = client.get(download_url(stored))
    assert response.status_code == 409
    html = response.content.decode()
    assert "This file cannot be downloaded" in html
    assert "no longer matches the SHA-256 recorded when it was uploaded" in html
    assert stored.sha256 in html


def test_a_missing_file_is_refused_with_a_plain_message(client, carol, stored, media_root):
    (media_root / stored.file.name).unlink()
    client.force_login(carol)
    response = client.get(download_url(stored))
    assert response.status_code == 409
    assert "The stored copy of this file cannot be found." in response.content.decode()


# --- append-only -------------------------------------------------------------------------------


def test_evidence_files_are_never_changed_or_deleted(stored):
    assert_append_only(stored, change={"name": "renamed.pdf"}, save_match="append-only",
                       delete_match="append-only", queryset_match="append-only")
    stored.refresh_from_db()
    assert stored.name == "Rapport d’activité.pdf"


def test_the_admin_shows_an_updates_files_read_only(client, stored):
    root = factories.make_user(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    html = client.get(reverse("admin:recommendations_progressupdate_change", args=[stored.update.pk])).content.decode()
    assert f'<a href="{download_url(stored)}">Rapport d’activité.pdf</a>' in html
    assert stored.sha256 in html
    assert "evidence_files-0-DELETE" not in html
    assert "evidence_files-__prefix__" not in html  # no empty row to add a file
    assert re.search(r'name="evidence_files-MAX_NUM_FORMS" value="0"', html)
    assert stored.file.name not in html  # the storage path is not shown


def test_a_coordinator_who_may_view_updates_sees_their_files_in_the_admin(client, alice, stored):
    from django.contrib.auth.models import Permission

    alice.is_staff = True
    alice.save()
    alice.user_permissions.add(Permission.objects.get(codename="view_progressupdate"))
    client.force_login(alice)
    html = client.get(reverse("admin:recommendations_progressupdate_change", args=[stored.update.pk])).content.decode()
    assert "Rapport d’activité.pdf" in html


# --- the committee pack ---------------------------------------------------------------------------


def test_the_pack_lists_the_evidence_files_by_name(action, alice, bob, tmp_path):
    update = factories.make_update(action=action, author=bob,
                                   created_at=timezone.make_aware(dt.datetime(2024, 6, 3, 10)))
    make_evidence_file(update=update, name="Cabinet minutes June.pdf")
    make_evidence_file(update=update, name="Site photo.png", content=files.image("PNG"))
    report = factories.make_report(challenge=action.recommendation.challenge, by=alice)
    snapshot = build_snapshot(report=report)
    row = snapshot["recommendations"][0]["actions"][0]
    assert row["latest_update"]["evidence_files"] == ["Cabinet minutes June.pdf", "Site photo.png"]
    assert [file["name"] for file in snapshot["evidence_files"]] == ["Cabinet minutes June.pdf", "Site photo.png"]
    html = render_html(snapshot)
    assert "Appendix C: Evidence files" in html
    assert "Cabinet minutes June.pdf, Site photo.png" in html
    from reviews.packs.pdf import render_pdf

    text = re.sub(r"\s+", " ", pdf_text(render_pdf(snapshot).pdf, tmp_path))
    assert "Appendix C: Evidence files" in text and "Cabinet minutes June.pdf" in text


def test_a_pack_as_at_an_earlier_day_leaves_later_files_out(action, alice, bob):
    action.created_at = timezone.make_aware(dt.datetime(2024, 2, 1, 9))
    action.save()
    early = factories.make_update(action=action, author=bob, created_at=timezone.make_aware(dt.datetime(2024, 5, 1, 9)))
    make_evidence_file(update=early, name="May minutes.pdf")
    late = factories.make_update(action=action, author=bob, created_at=timezone.make_aware(dt.datetime(2024, 8, 1, 9)))
    make_evidence_file(update=late, name="August minutes.pdf", content=files.PDF + b"% August\n")
    report = factories.make_report(challenge=action.recommendation.challenge, by=alice)
    snapshot = build_snapshot(report=report, as_of=dt.date(2024, 6, 30))
    assert [file["name"] for file in snapshot["evidence_files"]] == ["May minutes.pdf"]


def test_a_pack_without_files_has_no_appendix_c(action, alice, bob):
    factories.make_update(action=action, author=bob)
    report = factories.make_report(challenge=action.recommendation.challenge, by=alice)
    html = render_html(build_snapshot(report=report))
    assert "Appendix C" not in html


# --- backup and restore ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_bring_back_the_files_and_their_rows(client, action, bob, media_root, tmp_path):
    client.force_login(bob)
    post(client, action, upload("minutes.pdf", files.PDF), upload("figures.xlsx", files.xlsx()))
    before = {(row.name, row.file.name, row.sha256) for row in EvidenceFile.objects.all()}
    contents = {path.relative_to(media_root): path.read_bytes() for path in stored_files(media_root)}
    assert len(before) == 2 and len(contents) == 2

    call_command("backup", "--out", str(tmp_path / "backup"))
    call_command("flush", interactive=False, verbosity=0)
    for path in stored_files(media_root):
        path.unlink()
    call_command("restore", str(tmp_path / "backup"))

    assert {(row.name, row.file.name, row.sha256) for row in EvidenceFile.objects.all()} == before
    assert {path.relative_to(media_root): path.read_bytes() for path in stored_files(media_root)} == contents
    for row in EvidenceFile.objects.all():
        assert hashlib.sha256(row.read_verified()).hexdigest() == row.sha256


# --- hostile names and contents ------------------------------------------------------------------


@pytest.mark.parametrize("where", ["name", "extension", "content"])
def test_hostile_names_and_contents_get_a_message_or_are_kept_clean(client, action, bob, media_root, where):
    from peertrack import inputs
    from tests.test_hostile_input_property import FIXED_HOSTILE, evidence_upload

    client.force_login(bob)
    for hostile in FIXED_HOSTILE:
        before = counts()
        response = post(client, action, evidence_upload(lambda _strategy, **_: where, hostile))
        assert response.status_code in (200, 302), (where, hostile)
        assert "<script>alert(" not in response.content.decode(), (where, hostile)
        if response.status_code == 200:
            assert counts() == before, (where, hostile)
    names = list(EvidenceFile.objects.values_list("name", flat=True))
    assert [name for name in names if inputs.has_control(name) or not name.strip()] == []
    assert names or where == "extension"  # a PDF named "minutes.<anything>" is never kept
    assert len(stored_files(media_root)) == len(names)
