"""合并检查 now lives in the inspections app (inspections 0001 took the three models over, on
these same tables): forget them here, leaving the tables and their rows alone."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("draws", "0009_pool_exclusion_groups"),
        ("inspections", "0001_merged_visits_from_draws"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="MergeDecline"),
                migrations.DeleteModel(name="JointVisitMember"),
                migrations.DeleteModel(name="JointVisit"),
            ],
        ),
    ]
