"""合并检查 under its one name: the tables draws made are renamed to this app's (the declines'
visit table with them), the foreign keys to the merged visit become ``merged_visit_id`` and the
constraints say merged visit. Rows are untouched."""

import django.db.models.deletion
from django.db import migrations, models


def _check(name: str, condition: models.Q) -> models.CheckConstraint:
    return models.CheckConstraint(condition=condition, name=name)


WINDOW = models.Q(("planned_end__gte", models.F("planned_start")))
DISSOLVED = models.Q(
    models.Q(("dissolved_at__isnull", True), ("status", "confirmed")),
    models.Q(("dissolved_at__isnull", False), ("status", "dissolved")),
    _connector="OR",
)


class Migration(migrations.Migration):
    dependencies = [
        ("draws", "0010_merged_visits_moved_to_inspections"),
        ("inspections", "0001_merged_visits_from_draws"),
    ]

    operations = [
        migrations.AlterModelTable(name="mergedvisit", table=None),
        migrations.AlterModelTable(name="mergedvisitmember", table=None),
        migrations.AlterModelTable(name="mergedecline", table=None),
        migrations.AlterField(
            model_name="mergedvisitmember",
            name="merged_visit",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="members",
                to="inspections.mergedvisit",
                verbose_name="合并检查",
            ),
        ),
        migrations.AlterField(
            model_name="mergedecline",
            name="merged_visit",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="declines",
                to="inspections.mergedvisit",
                verbose_name="未加入的合并检查",
            ),
        ),
        migrations.RemoveConstraint(model_name="mergedvisit", name="joint_visit_window_ordered"),
        migrations.RemoveConstraint(model_name="mergedvisit", name="joint_visit_dissolved_at_matches_status"),
        migrations.AddConstraint(model_name="mergedvisit", constraint=_check("merged_visit_window_ordered", WINDOW)),
        migrations.AddConstraint(
            model_name="mergedvisit", constraint=_check("merged_visit_dissolved_at_matches_status", DISSOLVED)
        ),
        migrations.RemoveConstraint(model_name="mergedvisitmember", name="joint_visit_member_unique_visit"),
        migrations.RemoveConstraint(model_name="mergedvisitmember", name="visit_in_one_active_joint_visit"),
        migrations.AddConstraint(
            model_name="mergedvisitmember",
            constraint=models.UniqueConstraint(
                fields=("merged_visit", "visit"), name="merged_visit_member_unique_visit"
            ),
        ),
        migrations.AddConstraint(
            model_name="mergedvisitmember",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_active", True)), fields=("visit",), name="visit_in_one_active_merged_visit"
            ),
        ),
    ]
