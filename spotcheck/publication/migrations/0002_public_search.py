"""The portal search's tables (issue 14, item 3; search14), a GIN index on PostgreSQL for name
fragments of two characters or more, and the rows of results published before.

The GIN index is on the array of the name's character pairs (``name_bigrams``): pg_trgm's
trigrams cannot find a two-character fragment (LIKE '%溧阳%' yields no trigram), pairs can.
The backfill repeats the rule of ``publication.search_index`` (a migration imports no app code).
"""

import django.db.models.deletion
from django.db import migrations, models

BIGRAM_INDEX = (
    "CREATE INDEX IF NOT EXISTS public_object_bigram_idx ON publication_publicobject "
    "USING gin (string_to_array(name_bigrams, ' '))"
)


def bigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BIGRAM_INDEX)


def drop_bigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS public_object_bigram_idx")


def _bigrams(name):
    upper = name.upper()
    pairs = {upper[i : i + 2] for i in range(len(upper) - 1)}
    return " " + " ".join(sorted(p for p in pairs if not any(ch.isspace() for ch in p))) + " "


def backfill(apps, schema_editor):
    published = apps.get_model("publication", "PublishedResult")
    public_object = apps.get_model("publication", "PublicObject")
    public_result = apps.get_model("publication", "PublicObjectResult")
    inspection_object = apps.get_model("directory", "InspectionObject")
    departments = dict(apps.get_model("accounts", "Department").objects.values_list("code", "pk"))
    shown = (
        published.objects.filter(state__in=("current", "withdrawn"))
        .select_related("notice")
        .order_by("inspection_object_id", "-completed_on", "-pk")
    )
    by_object = {}
    for row in shown.iterator(chunk_size=2000):
        by_object.setdefault(row.inspection_object_id, []).append(row)
    objects = inspection_object.objects.in_bulk(list(by_object))
    results = []
    for object_id, rows in by_object.items():
        record = rows[0].record["object"]
        current = [r for r in rows if r.state == "current"]
        obj = objects[object_id]
        public_object.objects.create(
            inspection_object_id=object_id,
            public_code=record["public_code"],
            uscc=record["uscc"] or "",
            name=record["name"],
            name_bigrams=_bigrams(record["name"]),
            region_id=obj.region_id,
            industry_id=obj.industry_id,
            result_count=len(current),
            latest_completed_on=max(r.completed_on for r in (current or rows)),
            problem_found=any(r.problem_found for r in current),
        )
        for r in current:
            lead = r.notice.department_id
            by_department = {lead: []}
            for item in r.record.get("items", []):
                by_department[lead].append(item)
                dept = departments.get(item["department"]["code"])
                if dept is not None and dept != lead:
                    by_department.setdefault(dept, []).append(item)
            for department_id, items in by_department.items():
                problem = any(item["problem_found"] for item in items)
                codes = {code for item in items for code in item.get("codes") or []} or {""}
                for code in sorted(codes):
                    results.append(
                        public_result(
                            public_object_id=object_id,
                            department_id=department_id,
                            completed_on=r.completed_on,
                            problem_found=problem,
                            code=code,
                        )
                    )
    public_result.objects.bulk_create(results, batch_size=1000)


def unfill(apps, schema_editor):
    apps.get_model("publication", "PublicObjectResult").objects.all().delete()
    apps.get_model("publication", "PublicObject").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_department_results_need_approval"),
        ("directory", "0010_object_findings_risk_history"),
        ("publication", "0001_result_notices_and_published_results"),
    ]

    operations = [
        migrations.CreateModel(
            name="PublicObject",
            fields=[
                (
                    "inspection_object",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="directory.inspectionobject",
                        verbose_name="检查对象",
                    ),
                ),
                ("public_code", models.CharField(max_length=32, verbose_name="公开编码")),
                ("uscc", models.CharField(blank=True, max_length=18, verbose_name="统一社会信用代码")),
                ("name", models.CharField(max_length=200, verbose_name="名称")),
                ("name_bigrams", models.TextField(blank=True, verbose_name="名称字对")),
                ("result_count", models.PositiveIntegerField(default=0, verbose_name="公示中的检查结果数")),
                ("latest_completed_on", models.DateField(verbose_name="最近抽查完成日期")),
                ("problem_found", models.BooleanField(default=False, verbose_name="发现问题")),
                (
                    "industry",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="directory.industry",
                        verbose_name="行业",
                    ),
                ),
                (
                    "region",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.region",
                        verbose_name="区划",
                    ),
                ),
            ],
            options={
                "verbose_name": "公示检索对象",
                "verbose_name_plural": "公示检索对象",
                "ordering": ["-latest_completed_on", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="PublicObjectResult",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("completed_on", models.DateField(verbose_name="抽查完成日期")),
                ("problem_found", models.BooleanField(default=False, verbose_name="发现问题")),
                ("code", models.CharField(blank=True, max_length=4, verbose_name="检查结果代码")),
                (
                    "department",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.department",
                        verbose_name="抽查机关",
                    ),
                ),
                (
                    "public_object",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="results",
                        to="publication.publicobject",
                        verbose_name="公示检索对象",
                    ),
                ),
            ],
            options={
                "verbose_name": "公示检索结果",
                "verbose_name_plural": "公示检索结果",
            },
        ),
        migrations.AddIndex(
            model_name="publicobject",
            index=models.Index(fields=["public_code"], name="public_object_code_idx"),
        ),
        migrations.AddIndex(
            model_name="publicobject",
            index=models.Index(fields=["uscc"], name="public_object_uscc_idx"),
        ),
        migrations.AddIndex(
            model_name="publicobject",
            index=models.Index(fields=["-latest_completed_on", "-inspection_object"], name="public_object_latest_idx"),
        ),
        migrations.AddIndex(
            model_name="publicobject",
            index=models.Index(
                fields=["region", "-latest_completed_on", "-inspection_object"], name="public_object_region_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="publicobject",
            index=models.Index(
                fields=["industry", "-latest_completed_on", "-inspection_object"], name="public_object_industry_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="publicobjectresult",
            index=models.Index(fields=["public_object", "completed_on"], name="public_result_object_idx"),
        ),
        migrations.AddIndex(
            model_name="publicobjectresult",
            index=models.Index(
                fields=["department", "completed_on", "public_object"], name="public_result_department_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="publicobjectresult",
            index=models.Index(
                fields=["problem_found", "completed_on", "public_object"], name="public_result_problem_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="publicobjectresult",
            index=models.Index(fields=["code", "completed_on", "public_object"], name="public_result_code_idx"),
        ),
        migrations.AddIndex(
            model_name="publicobjectresult",
            index=models.Index(fields=["completed_on", "public_object"], name="public_result_date_idx"),
        ),
        migrations.RunPython(bigram_index, drop_bigram_index),
        migrations.RunPython(backfill, unfill),
    ]
