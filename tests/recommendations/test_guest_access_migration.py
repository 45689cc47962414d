"""Moving GuestAccess from reviews to recommendations (ADR 0015) keeps every row, grant and log entry, both ways."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from recommendations.models import GuestAccess
from tests import factories

BEFORE_THE_MOVE = [("reviews", "0003_progress_review_workflow"), ("recommendations", "0003_submission_keys")]


def migrate(targets: list[tuple[str, str]] | None = None) -> None:
    """Migrates to `targets`, or to the latest migrations of every app."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()


def content_types() -> set[tuple[str, str]]:
    return set(ContentType.objects.filter(model__in=["guestaccess", "historicalguestaccess"])
               .values_list("app_label", "model"))


@pytest.fixture
def migrated_forward_afterwards(transactional_db: None) -> Iterator[None]:
    """Leaves the database at the latest migrations again, whatever the test did."""
    yield
    migrate()


@pytest.fixture
def guest_access(challenge, alice) -> GuestAccess:
    """Gina's access, shortened once in the admin by alice, who may change guest access."""
    factories.make_guest(challenge=challenge)
    access = GuestAccess.objects.get()
    access.expires_on = access.expires_on.replace(day=1)
    access.save()
    alice.user_permissions.add(Permission.objects.get(codename="change_guestaccess"))
    LogEntry.objects.create(user=alice, content_type=ContentType.objects.get_for_model(GuestAccess),
                            object_id=str(access.pk), object_repr=str(access), action_flag=CHANGE,
                            change_message="Shortened the access.")
    return access


@pytest.mark.django_db(transaction=True)
def test_migrating_back_and_forward_keeps_the_rows_and_moves_the_content_types(
        migrated_forward_afterwards, guest_access, alice):
    migrate(BEFORE_THE_MOVE)
    assert content_types() == {("reviews", "guestaccess"), ("reviews", "historicalguestaccess")}
    assert GuestAccess.objects.get() == guest_access
    assert alice.user_permissions.get().content_type.app_label == "reviews"
    assert LogEntry.objects.get().content_type.app_label == "reviews"

    migrate()

    assert content_types() == {("recommendations", "guestaccess"), ("recommendations", "historicalguestaccess")}
    assert GuestAccess.objects.get() == guest_access
    assert GuestAccess.history.filter(id=guest_access.pk).count() == 2
    assert alice.user_permissions.get().content_type.model_class() is GuestAccess
    assert LogEntry.objects.get().get_edited_object() == guest_access


@pytest.mark.django_db(transaction=True)
def test_a_content_type_made_early_by_the_new_code_is_merged_with_the_moved_one(
        migrated_forward_afterwards, guest_access, alice, bob):
    migrate(BEFORE_THE_MOVE)
    # A page opened by the new code before migrate ran makes its own content type and permission.
    early = ContentType.objects.create(app_label="recommendations", model="guestaccess")
    bob.user_permissions.add(Permission.objects.create(content_type=early, codename="change_guestaccess",
                                                       name="Can change guest access"))
    alice.user_permissions.add(Permission.objects.get(content_type=early))

    migrate()

    assert content_types() == {("recommendations", "guestaccess"), ("recommendations", "historicalguestaccess")}
    assert ContentType.objects.get_for_model(GuestAccess) == early
    assert list(alice.user_permissions.values_list("content_type", "codename")) == [(early.pk, "change_guestaccess")]
    assert list(bob.user_permissions.values_list("content_type", "codename")) == [(early.pk, "change_guestaccess")]
    assert Permission.objects.filter(codename="view_guestaccess", content_type=early).exists()
    assert LogEntry.objects.get().get_edited_object() == guest_access
