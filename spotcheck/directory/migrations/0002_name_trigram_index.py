"""Fragment search on object names: a pg_trgm GIN index on PostgreSQL.

Trigram indexes serve Django's ``name__icontains`` (``UPPER(name) LIKE UPPER(%fragment%)``) for fragments of three characters or more; a
two-character Chinese fragment falls back to a scan, which is still quick at county scale.
The database needs a UTF-8 ctype for pg_trgm to index Chinese characters. SQLite has no such
index and uses LIKE.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm;")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS object_name_trgm_idx ON directory_inspectionobject "
        "USING gin (UPPER(name) gin_trgm_ops);"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS object_name_trgm_idx;")


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
