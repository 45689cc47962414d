"""Uploading an action plan spreadsheet: the preview, and every bad file refused with a message (signed out
or of another council: test_page_access.py)."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse

from tests import factories
from tests.recommendations.import_helpers import csv_bytes, row_counts, upload, xlsx_bytes, xlsx_with_formula

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


@pytest.fixture
def plan(challenge):
    factories.make_recommendation(challenge=challenge, number=1, title="Masterplan")
    factories.make_recommendation(challenge=challenge, number=2, title="Accounts")
    return challenge


def _url(challenge):
    return reverse("action_plan_import", args=[challenge.slug])


GOOD = [
    ["1.1", 1, "Draft the masterplan", "Bob Lead", "", "Place", "01/02/2024", "31/07/2024", "", ""],
    ["2.1", 2, "Publish the accounts", "Nobody Known", "", "", "", "", "Amber", "Audit started."],
]


def test_coordinator_sees_a_preview_of_every_row_and_nothing_is_saved(client, alice, bob, plan, media_root):
    client.force_login(alice)
    page = client.get(_url(plan))
    assert page.status_code == 200
    assert reverse("action_plan_template", args=[plan.slug]) in page.content.decode()
    before = row_counts("recommendations", "reviews")
    response = client.post(_url(plan), {"file": upload(xlsx_bytes(GOOD))})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Check the action plan import" in body
    assert 'id="row-2"' in body and 'id="row-3"' in body
    assert "Nobody Known: matches no member of the council" in body
    assert "First update: Amber" in body
    assert 'name="token"' in body
    assert row_counts("recommendations", "reviews") == before
    assert len(list((media_root / "imports").glob("*.bin"))) == 1


def test_csv_upload_is_previewed(client, alice, plan):
    client.force_login(alice)
    rows = [[str(v) for v in row] for row in GOOD]
    body = client.post(_url(plan), {"file": upload(csv_bytes(rows), "plan.csv")}).content.decode()
    assert "Check the action plan import" in body
    assert "Draft the masterplan" in body


def _xlsx_with_macros():
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes(GOOD))) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/vbaProject.bin", b"macro")
    return buffer.getvalue()


FILE_ERRORS = [
    (
        "not a spreadsheet",
        lambda: (b"%PDF-1.4 report", "report.pdf"),
        "The file is not an Excel workbook (.xlsx) or a CSV file",
    ),
    (
        "missing column",
        lambda: (xlsx_bytes([["1.1", "x"]], headers=["Reference", "Action"]), "p.xlsx"),
        "The spreadsheet has no column headed “Recommendation number”",
    ),
    ("macro-enabled name", lambda: (xlsx_bytes(GOOD), "plan.xlsm"), "macro-enabled workbook"),
    ("macros inside", lambda: (_xlsx_with_macros(), "plan.xlsx"), "The workbook contains macros"),
    ("empty file", lambda: (b"", "plan.xlsx"), "The file is empty"),
    (
        "twenty megabytes",
        lambda: (b"a" * (20 * 1024 * 1024), "plan.csv"),
        "The file is 20.0 MB; the most peertrack accepts is 10 MB",
    ),
]


@pytest.mark.parametrize(("case", "make", "message"), FILE_ERRORS, ids=[c[0] for c in FILE_ERRORS])
def test_a_bad_file_is_refused_with_a_message_and_nothing_changes(client, alice, plan, media_root, case, make, message):
    client.force_login(alice)
    data, name = make()
    before = row_counts("recommendations", "reviews")
    response = client.post(_url(plan), {"file": upload(data, name)})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert message in body
    assert 'href="#id_file"' in body
    assert row_counts("recommendations", "reviews") == before
    assert not list(media_root.glob("imports/*.bin"))


ROW_ERRORS = [
    (
        "wrong date",
        [["1.1", 1, "x", "", "", "", "2024/31/12", "", "", ""]],
        "Row 2, column “Start date”: “2024/31/12” is not a date",
        False,
    ),
    (
        "unknown recommendation",
        [["9.1", 9, "x", *[""] * 7]],
        "Row 2, column “Recommendation number”: there is no recommendation 9 in this challenge",
        False,
    ),
    (
        "duplicate reference",
        [["1.1", 1, "x", *[""] * 7], ["1.1", 2, "y", *[""] * 7]],
        "Row 3, column “Reference”: “1.1” is also the reference of row 2",
        True,
    ),
    ("formula", None, "Row 2, column “Due date”: holds a formula", False),
]


@pytest.mark.parametrize(("case", "rows", "message", "good_rows"), ROW_ERRORS, ids=[c[0] for c in ROW_ERRORS])
def test_row_errors_name_row_and_column_and_offer_only_the_good_rows(
    client, alice, plan, media_root, case, rows, message, good_rows
):
    client.force_login(alice)
    data = xlsx_with_formula() if rows is None else xlsx_bytes(rows)
    before = row_counts("recommendations", "reviews")
    response = client.post(_url(plan), {"file": upload(data)})
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body
    assert row_counts("recommendations", "reviews") == before
    # The upload waits on the server for the rows-to-fix download (and a partial import).
    assert "rows-to-fix.xlsx" in body
    if good_rows:
        assert "There is a problem with 1 row" in body
        assert 'name="rows" type="radio" value="good" checked' in body
    else:
        assert "There is a problem: nothing can be imported yet" in body
        assert 'name="fingerprint"' not in body


def test_no_file_chosen(client, alice, plan):
    client.force_login(alice)
    body = client.post(_url(plan), {}).content.decode()
    assert "Choose the action plan spreadsheet (.xlsx or .csv)" in body


@pytest.mark.parametrize("persona", ["bob", "carol", "dave"])
def test_other_roles_are_forbidden(client, request, persona, plan):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_url(plan)).status_code == 403
    assert client.post(_url(plan), {"file": upload(xlsx_bytes(GOOD))}).status_code == 403


def test_preview_query_count_does_not_grow_with_rows(client, alice, plan, django_assert_max_num_queries):
    rec = plan.recommendations.get(number=1)
    for n in range(1, 61):
        action = factories.make_action(recommendation=rec, reference=f"1.{n}", description=f"Action {n}")
        factories.make_update(action=action, rag="green", narrative="ok")
    rows = [
        [f"1.{n}", 1, f"Action {n} changed", "Bob Lead", "", "", "01/02/2024", "30/09/2024", "Green", "ok"]
        for n in range(1, 61)
    ]
    client.force_login(alice)
    with django_assert_max_num_queries(14):
        response = client.post(_url(plan), {"file": upload(xlsx_bytes(rows))})
    assert response.content.decode().count("Changed</strong>") == 60


def test_challenge_page_links_to_import_and_export_for_coordinators_only(client, alice, bob, plan):
    client.force_login(alice)
    body = client.get(plan.get_absolute_url()).content.decode()
    assert "Import an action plan" in body and "Export the action plan" in body
    client.force_login(bob)
    body = client.get(plan.get_absolute_url()).content.decode()
    assert "Import an action plan" not in body and "Export the action plan" not in body
