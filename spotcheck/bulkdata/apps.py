from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class BulkdataConfig(AppConfig):
    name = "spotcheck.bulkdata"
    verbose_name = _("开放数据文件")

    def ready(self) -> None:
        from spotcheck.audit.actions import GROUP_LABELS, register

        # The audit trail's names of what this app writes (an app adds its own: audit.actions).
        GROUP_LABELS.setdefault("bulkdata", _("开放数据"))
        register("bulkdata.file.write", pgettext_lazy("audit action", "生成开放数据文件"))
