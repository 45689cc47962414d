"""Stored full-text vectors with GIN indexes on PostgreSQL (ADR 0026); nothing on SQLite.

Generated columns, so the database keeps them current on every write in the same statement; Django
does not know them as fields and reads them through `recommendations.search`.
"""

from django.db import migrations

VECTORS = {
    "recommendations_recommendation": (
        "setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') || "
        "to_tsvector('english'::regconfig, coalesce(text, '') || ' ' || coalesce(response_narrative, '') "
        "|| ' ' || coalesce(response_reasons, ''))"
    ),
    "recommendations_progressupdate": (
        "to_tsvector('english'::regconfig, coalesce(narrative, '') || ' ' || coalesce(evidence, '') "
        "|| ' ' || coalesce(next_steps, ''))"
    ),
}


def add_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, expression in VECTORS.items():
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({expression}) STORED"
        )
        schema_editor.execute(f"CREATE INDEX {table}_search_gin ON {table} USING gin (search_vector)")


def drop_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in VECTORS:
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0010_current_state_kept_on_write")]

    operations = [migrations.RunPython(add_vectors, drop_vectors)]
