"""Each visit's copy of its result's status (draws 0016 added it empty), from the results."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Visit = apps.get_model("draws", "Visit")
    VisitResult = apps.get_model("results", "VisitResult")
    status = VisitResult.objects.filter(visit_id=OuterRef("pk")).values("status")[:1]
    Visit.objects.filter(result__isnull=False).update(result_state=Subquery(status))


def empty(apps, schema_editor):
    apps.get_model("draws", "Visit").objects.exclude(result_state="").update(result_state="")


class Migration(migrations.Migration):
    dependencies = [
        ("draws", "0016_visit_result_state"),
        ("results", "0002_resultrevision_entered_for"),
    ]

    operations = [migrations.RunPython(fill, empty)]
