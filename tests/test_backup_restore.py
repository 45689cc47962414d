"""Backup and restore round-trip every row, every history row and every stored file."""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.test import override_settings

from peertrack.backup import RECREATED_BY_MIGRATE, sha256
from recommendations.demo import load_demo


def snapshot() -> dict[str, list[dict]]:
    """Returns every row of every backed-up model, in primary-key order, with natural foreign keys."""  # noqa: E501
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.label_lower in RECREATED_BY_MIGRATE or model._meta.proxy:
            continue
        serialized = serializers.serialize(
            "python", model._default_manager.order_by("pk"), use_natural_foreign_keys=True)
        for row in serialized:
            for name, value in row["fields"].items():
                if isinstance(value, list) and name in {f.name for f in model._meta.many_to_many}:
                    row["fields"][name] = sorted(value)  # a many-to-many set has no order
        if model._meta.auto_created:
            # A many-to-many link table's own id means nothing: the links themselves must match.
            serialized = sorted(repr(sorted(row["fields"].items())) for row in serialized)
        rows[model._meta.label_lower] = serialized
    return rows


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.mark.django_db(transaction=True)
def test_round_trip_of_the_demo_data_restores_every_row_and_file(tmp_path, media):
    with override_settings(DEBUG=True):
        load_demo(with_logins=True)
    default_storage.save("packs/2024/scrutiny-pack.pdf", ContentFile(b"%PDF-1.7 issued pack"))
    before = snapshot()
    assert sum(len(rows) for label, rows in before.items() if label.startswith("recommendations.historical")) > 0

    call_command("backup", "--out", str(tmp_path / "backup"))
    call_command("flush", interactive=False, verbosity=0)
    for path in media.rglob("*"):
        if path.is_file():
            path.unlink()
    assert snapshot() != before

    call_command("restore", str(tmp_path / "backup"))

    after = snapshot()
    assert after.keys() == before.keys()
    for label in before:
        for old, new in zip(before[label], after[label], strict=True):
            assert new == old, (label, {k: (v, new["fields"].get(k)) for k, v in old["fields"].items()
                                        if new["fields"].get(k) != v} if isinstance(old, dict) else old)
    restored = media / "packs/2024/scrutiny-pack.pdf"
    assert restored.read_bytes() == b"%PDF-1.7 issued pack"


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_holds_data_and_changes_nothing(tmp_path, media, northtown):
    call_command("backup", "--out", str(tmp_path / "backup"))
    before = snapshot()
    with pytest.raises(CommandError, match="already holds data"):
        call_command("restore", str(tmp_path / "backup"))
    assert snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_damaged_backup(tmp_path, media, northtown):
    default_storage.save("packs/pack.pdf", ContentFile(b"original"))
    folder = tmp_path / "backup"
    call_command("backup", "--out", str(folder))
    (folder / "media" / "packs" / "pack.pdf").write_bytes(b"tampered")
    call_command("flush", interactive=False, verbosity=0)
    with pytest.raises(CommandError, match="do not match its manifest"):
        call_command("restore", str(folder))
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["files"]["packs/pack.pdf"] != sha256(folder / "media" / "packs" / "pack.pdf")


@pytest.mark.django_db
def test_backup_refuses_to_overwrite_a_folder_in_use(tmp_path, media):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "data.json").write_text("{}")
    with pytest.raises(CommandError, match="is not empty"):
        call_command("backup", "--out", str(tmp_path / "old"))


@pytest.mark.django_db
def test_restore_says_when_a_folder_is_not_a_backup(tmp_path):
    with pytest.raises(CommandError, match="not a peertrack backup"):
        call_command("restore", str(tmp_path))


@pytest.mark.django_db(transaction=True)
def test_restore_reads_a_backup_made_before_manifests_listed_migrations(tmp_path, media, northtown):
    folder = tmp_path / "backup"
    call_command("backup", "--out", str(folder))
    manifest = json.loads((folder / "manifest.json").read_text())
    del manifest["schema"]
    manifest["format"] = 1
    (folder / "manifest.json").write_text(json.dumps(manifest))
    before = snapshot()
    call_command("flush", interactive=False, verbosity=0)

    call_command("restore", str(folder))

    assert snapshot() == before
