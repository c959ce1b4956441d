"""The index a pool is frozen from on PostgreSQL: objects in the byte order of their public code
(``COLLATE "C"``, SC-DRAW-1 §1), carrying every column a pool's scope and filters read.

Freezing a province's pool reads 10^7 objects in that order; with this index it is an
index-only scan, without it a sort of 10^7 strings. Created here rather than in the model's
Meta because SQLite knows no collation "C" (its pools are sorted in Python)."""

from django.db import migrations

COLUMNS = (
    "id, status, retired_at, region_id, kind, industry_id, credit_level, risk_level, "
    "in_abnormal_list, in_serious_violation_list, annual_report_status"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            'CREATE INDEX IF NOT EXISTS object_code_bytes_idx ON directory_inspectionobject (public_code COLLATE "C") '
            f"INCLUDE ({COLUMNS})"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS object_code_bytes_idx")


class Migration(migrations.Migration):
    dependencies = [("directory", "0007_slimmer_object_indexes")]

    operations = [migrations.RunPython(create, drop)]
