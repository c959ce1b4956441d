from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from spotcheck.audit.models import AuditEntry
from spotcheck.audit.services import iter_chain_breaks


class Command(BaseCommand):
    help = gettext_lazy("校验审计日志哈希链：完整时退出码为 0，否则指出第一条被修改、删除或调换的记录。")

    def handle(self, *args, **options):
        first = next(iter_chain_breaks(), None)
        if first is not None:
            raise CommandError(
                _("审计日志哈希链断裂：第 %(seq)s 条（id=%(id)s）：%(reason)s")
                % {"seq": first.seq, "id": first.entry_id, "reason": first.reason}
            )
        count = AuditEntry.objects.count()
        self.stdout.write(self.style.SUCCESS(_("审计日志哈希链完整：共 %(count)s 条。") % {"count": count}))
