"""The open data's results, latest completion first (scale14): a page of ``/public/api/v1/results/``
reads the head of this index instead of sorting every published result."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("publication", "0002_public_search"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="publishedresult",
            index=models.Index(fields=["-completed_on", "-id"], name="published_result_latest_idx"),
        ),
    ]
