"""`manage.py import_recommendations`: the same parser from the command line."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from recommendations.models import Recommendation

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"


def test_dry_run_prints_and_saves_nothing(challenge):
    out, err = StringIO(), StringIO()
    call_command(
        "import_recommendations",
        "--challenge",
        challenge.slug,
        str(DATA / "key_recommendations_progress_review_2024.txt"),
        "--dry-run",
        stdout=out,
        stderr=err,
    )
    assert "4. Medium Term Financial Strategy [new]" in out.getvalue()
    assert "Dry run: nothing was saved." in out.getvalue()
    assert "page number 9" in err.getvalue()
    assert not Recommendation.objects.exists()


def test_import_saves_and_a_second_run_changes_nothing(challenge):
    path = str(DATA / "key_recommendations_2018.txt")
    call_command("import_recommendations", "--challenge", challenge.slug, path, stdout=StringIO(), stderr=StringIO())
    assert Recommendation.objects.filter(challenge=challenge).count() == 10
    history = Recommendation.history.count()
    out = StringIO()
    call_command("import_recommendations", "--challenge", challenge.slug, path, stdout=out, stderr=StringIO())
    assert "0 added, 0 updated, 10 unchanged" in out.getvalue()
    assert Recommendation.history.count() == history


def test_unknown_challenge_and_unreadable_text_are_errors(challenge, tmp_path):
    with pytest.raises(CommandError, match="There is no challenge 'nope'"):
        call_command("import_recommendations", "--challenge", "nope", str(DATA / "README.md"))
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    with pytest.raises(CommandError, match="Paste the"):
        call_command("import_recommendations", "--challenge", challenge.slug, str(empty))
    with pytest.raises(CommandError, match="could not be read"):
        call_command("import_recommendations", "--challenge", challenge.slug, str(tmp_path / "missing.txt"))
    assert not Recommendation.objects.exists()
