"""Task codes (series ``task:<部门代码>-<年度>``) and merged-visit codes (``merged_visit:<年度>``,
which borrowed this table as ``合并检查-<年度>``) are numbered by core's one code counter: the
counters move there, and back when unapplied."""

from django.db import migrations

MERGED_VISIT_PREFIX = "合并检查-"


def _series(prefix: str) -> str:
    if prefix.startswith(MERGED_VISIT_PREFIX):
        return "merged_visit:" + prefix.removeprefix(MERGED_VISIT_PREFIX)
    return "task:" + prefix


def _prefix(series: str) -> str:
    if series.startswith("merged_visit:"):
        return MERGED_VISIT_PREFIX + series.removeprefix("merged_visit:")
    return series.removeprefix("task:")


def to_code_counter(apps, schema_editor):
    TaskCodeCounter = apps.get_model("draws", "TaskCodeCounter")
    CodeCounter = apps.get_model("core", "CodeCounter")
    for prefix, last_value in TaskCodeCounter.objects.values_list("prefix", "last_value"):
        counter, _created = CodeCounter.objects.get_or_create(series=_series(prefix))
        counter.last_value = max(counter.last_value, last_value)
        counter.save(update_fields=["last_value"])


def from_code_counter(apps, schema_editor):
    TaskCodeCounter = apps.get_model("draws", "TaskCodeCounter")
    CodeCounter = apps.get_model("core", "CodeCounter")
    rows = CodeCounter.objects.filter(series__regex=r"^(task|merged_visit):").values_list("series", "last_value")
    for series, last_value in rows:
        TaskCodeCounter.objects.update_or_create(prefix=_prefix(series), defaults={"last_value": last_value})


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_code_counter"),
        ("draws", "0010_merged_visits_moved_to_inspections"),
    ]

    operations = [
        migrations.RunPython(to_code_counter, from_code_counter),
        migrations.DeleteModel(name="TaskCodeCounter"),
    ]
