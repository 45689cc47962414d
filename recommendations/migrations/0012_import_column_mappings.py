# Written by hand (issue 17): only ImportColumnMapping, so that other engineers' model changes
# made at the same time are not swept into this migration.

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0011_search_vectors"),
    ]

    operations = [
        migrations.CreateModel(
            name="ImportColumnMapping",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(choices=[("column", "Column header"), ("status", "Status word")], max_length=10),
                ),
                ("source", models.CharField(max_length=200)),
                ("target", models.CharField(blank=True, max_length=40)),
                ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "council",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="import_mappings",
                        to="recommendations.council",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("council", "kind", "source"), name="import_mapping_once_per_council"
                    )
                ],
            },
        ),
    ]
