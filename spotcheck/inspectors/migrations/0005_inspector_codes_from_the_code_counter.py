"""Platform codes of inspectors are numbered by core's one code counter (series
``inspector:<prefix>``): the counters move there, and back when unapplied."""

from django.db import migrations


def to_code_counter(apps, schema_editor):
    Old = apps.get_model("inspectors", "InspectorCodeCounter")
    CodeCounter = apps.get_model("core", "CodeCounter")
    for prefix, last_value in Old.objects.values_list("prefix", "last_value"):
        counter, _created = CodeCounter.objects.get_or_create(series=f"inspector:{prefix}")
        counter.last_value = max(counter.last_value, last_value)
        counter.save(update_fields=["last_value"])


def from_code_counter(apps, schema_editor):
    Old = apps.get_model("inspectors", "InspectorCodeCounter")
    CodeCounter = apps.get_model("core", "CodeCounter")
    for series, last_value in CodeCounter.objects.filter(series__startswith="inspector:").values_list(
        "series", "last_value"
    ):
        Old.objects.update_or_create(prefix=series.removeprefix("inspector:"), defaults={"last_value": last_value})


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_code_counter"),
        ("inspectors", "0004_inspector_code_counter"),
    ]

    operations = [
        migrations.RunPython(to_code_counter, from_code_counter),
        migrations.DeleteModel(name="InspectorCodeCounter"),
    ]
