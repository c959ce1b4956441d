from django.core.management.base import BaseCommand, CommandError

from spotcheck.audit.models import AuditEntry
from spotcheck.audit.services import iter_chain_breaks


class Command(BaseCommand):
    help = "校验审计日志哈希链：完整时退出码为 0，否则指出第一条被修改、删除或调换的记录。"

    def handle(self, *args, **options):
        first = next(iter_chain_breaks(), None)
        if first is not None:
            raise CommandError(f"审计日志哈希链断裂：第 {first.seq} 条（id={first.entry_id}）：{first.reason}")
        count = AuditEntry.objects.count()
        self.stdout.write(self.style.SUCCESS(f"审计日志哈希链完整：共 {count} 条。"))
