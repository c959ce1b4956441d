"""Inspection tasks (抽查任务), their frozen pools, the seed ceremony and the draw record."""

from django.db import models  # noqa: F401
