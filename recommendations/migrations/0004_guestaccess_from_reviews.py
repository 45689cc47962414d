"""GuestAccess moves from the reviews app to here, beside Membership (ADR 0015).

The model and its history keep their tables (`reviews_guestaccess`,
`reviews_historicalguestaccess`) and every row: the reviews app drops them from its state
(`reviews.0004_guestaccess_moves_to_recommendations`, which this depends on, so that the
tables exist before this app claims them) and this migration adds them to its own, changing
nothing in the database's tables.

The two content types then move from app label "reviews" to "recommendations", keeping
their ids, so the permissions given on guest access and the admin's log entries about it
stay attached. On a new database they do not exist yet (migrate creates them at the end),
and there is nothing to move. Reversing moves them back.
"""

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models

MOVED_MODELS = ('guestaccess', 'historicalguestaccess')


def _move_content_types(apps, schema_editor, source, target):
    """Gives the moved models' content types the app label `target`, keeping every row pointing at them.

    Normally a content type is relabelled in place. When `target` already has one as well (a page
    opened by the new code before migrate ran creates it), the log entries and permission grants
    of the `source` one are moved onto it and the `source` one is deleted.
    """
    db = schema_editor.connection.alias
    ContentType = apps.get_model('contenttypes', 'ContentType')
    Permission = apps.get_model('auth', 'Permission')
    LogEntry = apps.get_model('admin', 'LogEntry')
    grants = [(apps.get_model('auth', 'Group').permissions.through, 'group'),
              (apps.get_model(settings.AUTH_USER_MODEL).user_permissions.through, 'user')]
    for model in MOVED_MODELS:
        old = ContentType.objects.using(db).filter(app_label=source, model=model).first()
        if old is None:
            continue
        new = ContentType.objects.using(db).filter(app_label=target, model=model).first()
        if new is None:
            old.app_label = target
            old.save(using=db, update_fields=['app_label'])
            continue
        for permission in Permission.objects.using(db).filter(content_type=old):
            twin = Permission.objects.using(db).filter(content_type=new, codename=permission.codename).first()
            if twin is None:
                permission.content_type = new
                permission.save(using=db, update_fields=['content_type'])
                continue
            for through, holder in grants:
                links = through.objects.using(db).filter(permission=permission)
                holding_twin = through.objects.using(db).filter(permission=twin).values(holder)
                links.filter(**{f'{holder}__in': holding_twin}).delete()
                links.update(permission=twin)
            permission.delete()
        LogEntry.objects.using(db).filter(content_type=old).update(content_type=new)
        old.delete()


def content_types_to_recommendations(apps, schema_editor):
    _move_content_types(apps, schema_editor, source='reviews', target='recommendations')


def content_types_to_reviews(apps, schema_editor):
    _move_content_types(apps, schema_editor, source='recommendations', target='reviews')


class Migration(migrations.Migration):

    dependencies = [
        ('recommendations', '0003_submission_keys'),
        ('reviews', '0004_guestaccess_moves_to_recommendations'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('admin', '0003_logentry_add_action_flag_choices'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='GuestAccess',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('expires_on', models.DateField(verbose_name='access ends after')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ('challenge', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='guest_accesses', to='recommendations.peerchallenge')),
                        ('invited_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('peer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='guest_accesses', to='recommendations.peerteammember')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='guest_accesses', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name_plural': 'guest access',
                        'db_table': 'reviews_guestaccess',
                        'ordering': ['challenge', '-expires_on', 'pk'],
                        'constraints': [models.UniqueConstraint(fields=('user', 'challenge'), name='guest_access_once_per_challenge')],
                    },
                ),
                migrations.CreateModel(
                    name='HistoricalGuestAccess',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('expires_on', models.DateField(verbose_name='access ends after')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('challenge', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='recommendations.peerchallenge')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('invited_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('peer', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='recommendations.peerteammember')),
                        ('user', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'historical guest access',
                        'verbose_name_plural': 'historical guest access',
                        'db_table': 'reviews_historicalguestaccess',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to_recommendations, content_types_to_reviews),
    ]
