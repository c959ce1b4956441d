"""The open data's results, latest completion first (scale14): a page of ``/public/api/v1/results/``
reads the head of this index instead of sorting every published result, and a walk down it (a
common name) reads each row's object and state from the index alone."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("publication", "0002_public_search"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="publishedresult",
            index=models.Index(
                fields=["-completed_on", "-id", "inspection_object", "state"], name="published_result_latest_idx"
            ),
        ),
    ]
