"""A task's per-inspector limit says so in its name: ``cap`` → ``max_visits_per_inspector`` (the
frequency caps limit how often an object is drawn; this limits one inspector's visits)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("draws", "0011_task_codes_from_the_code_counter"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="task", name="task_cap_positive"),
        migrations.RenameField(model_name="task", old_name="cap", new_name="max_visits_per_inspector"),
        migrations.AddConstraint(
            model_name="task",
            constraint=models.CheckConstraint(
                condition=models.Q(("max_visits_per_inspector__gte", 1)), name="task_max_visits_per_inspector_positive"
            ),
        ),
    ]
