"""Platform codes of objects without a USCC are numbered by core's one code counter (series
``object:<prefix>``): the counters move there, and back when unapplied."""

from django.db import migrations


def to_code_counter(apps, schema_editor):
    Old = apps.get_model("directory", "PublicCodeCounter")
    CodeCounter = apps.get_model("core", "CodeCounter")
    for prefix, last_value in Old.objects.values_list("prefix", "last_value"):
        counter, _created = CodeCounter.objects.get_or_create(series=f"object:{prefix}")
        counter.last_value = max(counter.last_value, last_value)
        counter.save(update_fields=["last_value"])


def from_code_counter(apps, schema_editor):
    Old = apps.get_model("directory", "PublicCodeCounter")
    CodeCounter = apps.get_model("core", "CodeCounter")
    for series, last_value in CodeCounter.objects.filter(series__startswith="object:").values_list(
        "series", "last_value"
    ):
        Old.objects.update_or_create(prefix=series.removeprefix("object:"), defaults={"last_value": last_value})


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_code_counter"),
        ("directory", "0008_object_code_byte_order_index"),
    ]

    operations = [
        migrations.RunPython(to_code_counter, from_code_counter),
        migrations.DeleteModel(name="PublicCodeCounter"),
    ]
