"""Annual inspection plans (年度抽查计划) and their entries."""

from django.db import models  # noqa: F401
