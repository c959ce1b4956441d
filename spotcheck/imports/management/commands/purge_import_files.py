from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from spotcheck.audit.context import audit_source
from spotcheck.imports.export_jobs import purge_export_files
from spotcheck.imports.services import purge_import_files


class Command(BaseCommand):
    # Plain text, as in the other commands: argparse cannot format a lazy translation (--help).
    help = (
        "删除保留期满（SPOTCHECK_IMPORT_REJECTED_RETENTION_DAYS 天）的未导入（有错误或系统错误）文件，"
        "以及保留期满（SPOTCHECK_EXPORT_RETENTION_DAYS 天）的导出文件；"
        "导入、导出任务与审计日志保留文件名和 SHA-256。每天运行一次。"
    )

    def handle(self, *args, **options):
        with audit_source("cli"):
            count = purge_import_files()
            exported = purge_export_files()
        days = settings.SPOTCHECK_IMPORT_REJECTED_RETENTION_DAYS
        message = _("已删除 %(count)d 个保留期（%(days)d 天）已满的未导入文件。")
        self.stdout.write(message % {"count": count, "days": days})
        message = _("已删除 %(count)d 个保留期（%(days)d 天）已满的导出文件。")
        self.stdout.write(message % {"count": exported, "days": settings.SPOTCHECK_EXPORT_RETENTION_DAYS})
