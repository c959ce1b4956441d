"""Annual plans take the filing steps shared with items (core.filing): a plan its approver
passed, now waiting for the joint office, is ``filing`` (was ``approved``)."""

from django.db import migrations, models

STATUS_FIELD = models.CharField(
    choices=[
        ("draft", "草稿"),
        ("submitted", "待审核"),
        ("returned", "已退回"),
        ("filing", "待备案"),
        ("filed", "已备案"),
        ("published", "已公布"),
    ],
    default="draft",
    max_length=12,
    verbose_name="状态",
)


def forward(apps, schema_editor):
    apps.get_model("planning", "AnnualPlan").objects.filter(status="approved").update(status="filing")


def backward(apps, schema_editor):
    apps.get_model("planning", "AnnualPlan").objects.filter(status="filing").update(status="approved")


class Migration(migrations.Migration):
    dependencies = [
        ("planning", "0002_stratum_filters_in_object_filter_language"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.AlterField(model_name="annualplan", name="status", field=STATUS_FIELD),
    ]
