"""重新抽取 (issue 11, item 1): a task that replaces a drawn and cancelled task names it, says why and
waits for the joint office's approval before its pool can be frozen."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("catalog", "0003_filing_statuses_shared_with_plans"),
        ("draws", "0012_task_max_visits_per_inspector"),
        ("planning", "0003_filing_statuses_shared_with_items"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="task",
            name="redraw_decided_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="重新抽取审批时间"),
        ),
        migrations.AddField(
            model_name="task",
            name="redraw_decided_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="重新抽取审批人",
            ),
        ),
        migrations.AddField(
            model_name="task",
            name="redraw_decision_reason",
            field=models.CharField(blank=True, max_length=255, verbose_name="不同意重新抽取的原因"),
        ),
        migrations.AddField(
            model_name="task",
            name="redraw_reason",
            field=models.CharField(blank=True, max_length=255, verbose_name="重新抽取原因"),
        ),
        migrations.AddField(
            model_name="task",
            name="redraw_status",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "不是重新抽取"),
                    ("requested", "待联席办批准"),
                    ("approved", "联席办已批准"),
                    ("refused", "联席办不同意"),
                ],
                default="",
                max_length=10,
                verbose_name="重新抽取审批",
            ),
        ),
        migrations.AddField(
            model_name="task",
            name="replaces",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="replaced_by",
                to="draws.task",
                verbose_name="重新抽取所替代的任务",
            ),
        ),
        migrations.AddConstraint(
            model_name="task",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("redraw_status", ""), ("replaces__isnull", True)),
                    models.Q(("redraw_status__in", ["requested", "approved", "refused"]), ("replaces__isnull", False)),
                    _connector="OR",
                ),
                name="task_redraw_names_the_replaced_task",
            ),
        ),
    ]
