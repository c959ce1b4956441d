from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from spotcheck.audit.anchors import anchor_publish


class Command(BaseCommand):
    # Plain text, as in the other commands: argparse cannot format a lazy translation (--help).
    help = (
        "公布审计日志哈希链的链头（锚点：序号、哈希、时间）：记入数据库（公示平台显示）并追加到锚点文件。"
        "链头未动时不重复公布，可随时重复运行；每天至少运行一次。"
    )

    def handle(self, *args, **options):
        try:
            result = anchor_publish()
        except OSError as exc:
            raise CommandError(_("无法写入锚点文件：%(error)s") % {"error": exc}) from exc
        anchor = result.anchor
        if anchor is None:
            self.stdout.write(_("审计日志为空，没有可公布的链头。"))
            return
        values = {"seq": anchor.seq, "hash": anchor.entry_hash, "path": result.path}
        if result.created:
            message = _("已公布锚点：第 %(seq)s 条，哈希 %(hash)s（已追加到 %(path)s）。") % values
            self.stdout.write(self.style.SUCCESS(message))
        elif result.appended:
            self.stdout.write(_("链头未动（第 %(seq)s 条），没有新的锚点；已把它补写到 %(path)s。") % values)
        else:
            self.stdout.write(_("链头未动（第 %(seq)s 条），没有新的锚点。") % values)
