from django.db import migrations

# The SQL lives in spotcheck.audit.triggers so the test suite can lift and restore the same
# triggers around a database flush; it only ever adds statements, never changes old ones.
from spotcheck.audit import triggers


def forwards(apps, schema_editor):
    triggers.install(schema_editor.connection, [triggers.ENTRIES])


def backwards(apps, schema_editor):
    triggers.remove(schema_editor.connection, [triggers.ENTRIES])
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS audit_entry_append_only();")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
