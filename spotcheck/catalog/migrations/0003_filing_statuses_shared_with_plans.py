"""Item versions take the filing steps shared with plans (core.filing): a version waiting for
the joint office is ``filing`` (was ``submitted``, which for a plan means "with its approver"),
an accepted one ``published`` (was ``accepted``: filing an item publishes it). The constraint
that keeps one open version per item follows."""

from django.db import migrations, models

FORWARD = {"submitted": "filing", "accepted": "published"}
BACKWARD = {new: old for old, new in FORWARD.items()}
STATUS_FIELD = models.CharField(
    choices=[
        ("draft", "草稿"),
        ("filing", "待备案"),
        ("returned", "已退回"),
        ("published", "已公布"),
        ("superseded", "已被新版本替代"),
    ],
    default="draft",
    max_length=12,
    verbose_name="状态",
)


def _rename(apps, mapping):
    ItemVersion = apps.get_model("catalog", "ItemVersion")
    for old, new in mapping.items():
        ItemVersion.objects.filter(status=old).update(status=new)


def forward(apps, schema_editor):
    _rename(apps, FORWARD)


def backward(apps, schema_editor):
    _rename(apps, BACKWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_filing_events_one_open_version"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="itemversion", name="item_version_one_open"),
        migrations.RunPython(forward, backward),
        migrations.AlterField(model_name="itemversion", name="status", field=STATUS_FIELD),
        migrations.AddConstraint(
            model_name="itemversion",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", ["draft", "filing", "returned"])),
                fields=("item",),
                name="item_version_one_open",
                violation_error_message="该事项已有一个正在起草或备案中的版本。",
            ),
        ),
    ]
