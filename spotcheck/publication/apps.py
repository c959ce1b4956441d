from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicationConfig(AppConfig):
    """检查结果公示 (一公开, issue 14 item 1): the public record of each final result, published
    in the task's result notice by the department or automatically before the 20-working-day
    deadline, corrected or withdrawn only with a reason. Just above results: the deadlines, the
    portal and the open data read what is published here."""

    name = "spotcheck.publication"
    verbose_name = _("检查结果公示")
