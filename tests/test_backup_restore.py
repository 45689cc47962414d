"""Backup and restore round-trip every row, every history row and every stored file."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.test import override_settings

from peertrack.backup import RECREATED_BY_MIGRATE, sha256
from recommendations.demo import load_demo
from recommendations.models import GuestAccess
from tests.factories import make_guest


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


@pytest.mark.django_db(transaction=True)
def test_round_trip_of_the_demo_data_restores_every_row_and_file(tmp_path, media_root):
    with override_settings(DEBUG=True):
        load_demo(with_logins=True)
    default_storage.save("packs/2024/scrutiny-pack.pdf", ContentFile(b"%PDF-1.7 issued pack"))
    before = snapshot()
    assert sum(len(rows) for label, rows in before.items() if label.startswith("recommendations.historical")) > 0

    call_command("backup", "--out", str(tmp_path / "backup"))
    call_command("flush", interactive=False, verbosity=0)
    for path in media_root.rglob("*"):
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
    restored = media_root / "packs/2024/scrutiny-pack.pdf"
    assert restored.read_bytes() == b"%PDF-1.7 issued pack"


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_holds_data_and_changes_nothing(tmp_path, media_root, northtown):
    call_command("backup", "--out", str(tmp_path / "backup"))
    before = snapshot()
    with pytest.raises(CommandError, match="already holds data"):
        call_command("restore", str(tmp_path / "backup"))
    assert snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_damaged_backup(tmp_path, media_root, northtown):
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
def test_backup_refuses_to_overwrite_a_folder_in_use(tmp_path, media_root):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "data.json").write_text("{}")
    with pytest.raises(CommandError, match="is not empty"):
        call_command("backup", "--out", str(tmp_path / "old"))


@pytest.mark.django_db
def test_restore_says_when_a_folder_is_not_a_backup(tmp_path):
    with pytest.raises(CommandError, match="not a peertrack backup"):
        call_command("restore", str(tmp_path))


@pytest.mark.django_db(transaction=True)
def test_restore_reads_a_backup_made_before_manifests_listed_migrations(tmp_path, media_root, northtown):
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


# Guest access lived in the reviews app until ADR 0015; a backup made then names it there.
MOVED_FROM_REVIEWS = ("guestaccess", "historicalguestaccess")
MIGRATIONS_OF_THE_MOVE = {"reviews.0004_guestaccess_moves_to_recommendations",
                          "recommendations.0004_guestaccess_from_reviews"}


def as_named_before_the_move(value: Any) -> Any:
    """Returns `value` (data.json's rows, a row, a field or a label) as a backup made before guest
    access moved to `recommendations` names it: row labels and content type and permission keys."""
    if isinstance(value, dict):
        return {key: as_named_before_the_move(item) for key, item in value.items()}
    if isinstance(value, list):
        if value[-2:] in [["recommendations", model] for model in MOVED_FROM_REVIEWS]:
            return [*value[:-2], "reviews", value[-1]]
        return [as_named_before_the_move(item) for item in value]
    if value in {f"recommendations.{model}" for model in MOVED_FROM_REVIEWS}:
        return value.replace("recommendations.", "reviews.")
    return value


@pytest.mark.django_db(transaction=True)
def test_restore_reads_a_backup_made_while_guest_access_lived_in_reviews(tmp_path, media_root, alice, challenge):
    make_guest(challenge=challenge)
    access = GuestAccess.objects.get()
    access.expires_on -= dt.timedelta(days=1)
    access.save()
    alice.user_permissions.add(Permission.objects.get(codename="change_guestaccess"))
    Group.objects.create(name="Guest managers").permissions.add(Permission.objects.get(codename="view_guestaccess"))
    LogEntry.objects.create(user=alice, content_type=ContentType.objects.get_for_model(GuestAccess),
                            object_id=str(access.pk), object_repr=str(access), action_flag=CHANGE,
                            change_message="Shortened the access.")
    folder = tmp_path / "backup"
    call_command("backup", "--out", str(folder))
    data = folder / "data.json"
    rows = as_named_before_the_move(json.loads(data.read_text()))
    data.write_text(json.dumps(rows))
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["rows"] = {as_named_before_the_move(label): count for label, count in manifest["rows"].items()}
    manifest["schema"] = [name for name in manifest["schema"] if name not in MIGRATIONS_OF_THE_MOVE]
    manifest["data_sha256"] = sha256(data)
    (folder / "manifest.json").write_text(json.dumps(manifest))
    assert {"reviews.guestaccess": 1, "reviews.historicalguestaccess": 2}.items() <= manifest["rows"].items()
    assert not any(row["model"].startswith("recommendations.") and "guestaccess" in row["model"] for row in rows)
    user = next(row for row in rows if row["model"] == "auth.user" and row["fields"]["username"] == "alice")
    assert user["fields"]["user_permissions"] == [["change_guestaccess", "reviews", "guestaccess"]]
    before = snapshot()
    call_command("flush", interactive=False, verbosity=0)

    call_command("restore", str(folder))

    assert snapshot() == before
    assert User.objects.get(username="alice").has_perm("recommendations.change_guestaccess")
    assert Group.objects.get().permissions.get().content_type.model_class() is GuestAccess
    assert LogEntry.objects.get().get_edited_object() == GuestAccess.objects.get()
