from django.db import migrations, models

# The SQL lives in spotcheck.audit.triggers (as for the entries in 0002), so the test suite can
# lift and restore the same triggers around a database flush.
from spotcheck.audit import triggers


def forwards(apps, schema_editor):
    triggers.install(schema_editor.connection, [triggers.ANCHORS])


def backwards(apps, schema_editor):
    triggers.remove(schema_editor.connection, [triggers.ANCHORS])
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS audit_anchor_append_only();")


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]

    operations = [
        migrations.CreateModel(
            name="AuditAnchor",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("seq", models.PositiveBigIntegerField(db_index=True, verbose_name="序号")),
                ("entry_hash", models.CharField(max_length=64, verbose_name="本条哈希")),
                ("taken_at", models.DateTimeField(verbose_name="锚定时间")),
            ],
            options={
                "verbose_name": "审计日志锚点",
                "verbose_name_plural": "审计日志锚点",
                "ordering": ["-pk"],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
