"""合并检查 moves from draws to inspections, tables and data as they are: this migration only
tells Django's state that the three models now live here (on the tables draws made), and
draws 0010 forgets them there. 0002 then gives tables, columns and constraints their new names."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("directory", "0008_object_code_byte_order_index"),
        ("draws", "0009_pool_exclusion_groups"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="MergedVisit",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("code", models.CharField(max_length=32, unique=True, verbose_name="合并检查编号")),
                        (
                            "planned_start",
                            models.DateField(help_text="各任务检查时间的重叠部分。", verbose_name="计划检查开始日期"),
                        ),
                        ("planned_end", models.DateField(verbose_name="计划检查截止日期")),
                        (
                            "status",
                            models.CharField(
                                choices=[("confirmed", "已确认合并"), ("dissolved", "已解除合并")],
                                default="confirmed",
                                max_length=12,
                                verbose_name="状态",
                            ),
                        ),
                        ("note", models.CharField(blank=True, max_length=255, verbose_name="说明")),
                        ("confirmed_at", models.DateTimeField(verbose_name="确认时间")),
                        ("dissolved_at", models.DateTimeField(blank=True, null=True, verbose_name="解除时间")),
                        ("dissolved_reason", models.CharField(blank=True, max_length=255, verbose_name="解除原因")),
                        (
                            "confirmed_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="确认人",
                            ),
                        ),
                        (
                            "dissolved_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="解除人",
                            ),
                        ),
                        (
                            "inspection_object",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="merged_visits",
                                to="directory.inspectionobject",
                                verbose_name="检查对象",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "合并检查",
                        "verbose_name_plural": "合并检查",
                        "ordering": ["-confirmed_at", "-id"],
                        "db_table": "draws_jointvisit",
                    },
                ),
                migrations.CreateModel(
                    name="MergedVisitMember",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("is_active", models.BooleanField(default=True, verbose_name="有效")),
                        (
                            "merged_visit",
                            models.ForeignKey(
                                db_column="joint_visit_id",
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="members",
                                to="inspections.mergedvisit",
                                verbose_name="合并检查",
                            ),
                        ),
                        (
                            "visit",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="merged_visit_memberships",
                                to="draws.visit",
                                verbose_name="检查",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "合并检查所含检查",
                        "verbose_name_plural": "合并检查所含检查",
                        "ordering": ["merged_visit", "id"],
                        "db_table": "draws_jointvisitmember",
                    },
                ),
                migrations.CreateModel(
                    name="MergeDecline",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("reason", models.CharField(max_length=255, verbose_name="不予合并原因")),
                        ("declined_at", models.DateTimeField(verbose_name="决定时间")),
                        (
                            "declined_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="决定人",
                            ),
                        ),
                        (
                            "inspection_object",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="directory.inspectionobject",
                                verbose_name="检查对象",
                            ),
                        ),
                        (
                            "visits",
                            models.ManyToManyField(
                                related_name="merge_declines", to="draws.visit", verbose_name="检查"
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "不予合并记录",
                        "verbose_name_plural": "不予合并记录",
                        "ordering": ["-declined_at", "-id"],
                        "db_table": "draws_mergedecline",
                    },
                ),
                migrations.AddConstraint(
                    model_name="mergedvisit",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("planned_end__gte", models.F("planned_start"))),
                        name="joint_visit_window_ordered",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="mergedvisit",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("dissolved_at__isnull", True), ("status", "confirmed")),
                            models.Q(("dissolved_at__isnull", False), ("status", "dissolved")),
                            _connector="OR",
                        ),
                        name="joint_visit_dissolved_at_matches_status",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="mergedvisitmember",
                    constraint=models.UniqueConstraint(
                        fields=("merged_visit", "visit"), name="joint_visit_member_unique_visit"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="mergedvisitmember",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("is_active", True)),
                        fields=("visit",),
                        name="visit_in_one_active_joint_visit",
                    ),
                ),
                migrations.AddField(
                    model_name="mergedecline",
                    name="merged_visit",
                    field=models.ForeignKey(
                        blank=True,
                        db_column="joint_visit_id",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="declines",
                        to="inspections.mergedvisit",
                        verbose_name="未加入的合并检查",
                    ),
                ),
            ],
        ),
    ]
