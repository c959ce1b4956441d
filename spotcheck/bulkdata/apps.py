from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulkdataConfig(AppConfig):
    name = "spotcheck.bulkdata"
    verbose_name = _("开放数据文件")
