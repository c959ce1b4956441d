"""The queue's id of an import job is its ``queue_id``, as a ceremony job's is ("task" is an
inspection task in this project)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0002_job_errors_source_heartbeat"),
    ]

    operations = [
        migrations.RenameField(model_name="importjob", old_name="task_id", new_name="queue_id"),
    ]
