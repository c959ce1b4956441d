"""(load14) A published result keeps its notice's department, with an index of the department's
results latest first: the open data's results of one department and year are read down it
instead of among every result of the department's notices. Filled from the notices."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_department_results_need_approval"),
        ("publication", "0003_published_result_latest_idx"),
    ]

    operations = [
        migrations.AddField(
            model_name="publishedresult",
            name="department",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.department",
                verbose_name="抽查机关",
            ),
        ),
        migrations.RunSQL(
            "UPDATE publication_publishedresult SET department_id = "
            "(SELECT n.department_id FROM publication_resultnotice n WHERE n.id = publication_publishedresult.notice_id)",
            migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="publishedresult",
            name="department",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.department",
                verbose_name="抽查机关",
            ),
        ),
        migrations.AddIndex(
            model_name="publishedresult",
            index=models.Index(fields=["department", "-completed_on", "-id"], name="published_result_dept_idx"),
        ),
    ]
