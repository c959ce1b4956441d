from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from spotcheck.audit.anchors import AnchorFileError, chain_report, describe_break


class Command(BaseCommand):
    # Plain text, as in the other commands: argparse cannot format a lazy translation (--help).
    help = (
        "校验审计日志哈希链，并与已知的每个锚点核对（数据库中公布的、锚点文件中的，以及 --anchors 给出的文件）："
        "完整时退出码为 0，否则列出每一处被修改、删除、调换、改写或截断的记录。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchors",
            action="append",
            default=[],
            type=Path,
            metavar="FILE",
            help="另一份锚点文件（例如从公示平台保存的 audit-anchors.jsonl），可多次给出",
        )

    def handle(self, *args, **options):
        try:
            report = chain_report(anchor_files=options["anchors"])
        except AnchorFileError as exc:
            raise CommandError(str(exc)) from exc
        if report.breaks:
            for chain_break in report.breaks:
                self.stderr.write(describe_break(chain_break))
            raise CommandError(
                _("审计日志哈希链断裂，共 %(count)s 处；第一处：%(first)s")
                % {"count": len(report.breaks), "first": describe_break(report.breaks[0])}
            )
        if report.anchors_checked:
            message = _("审计日志哈希链完整：共 %(count)s 条，与 %(anchors)s 个锚点一致。")
        else:
            message = _("审计日志哈希链完整：共 %(count)s 条；尚无锚点（manage.py anchor_audit_chain）。")
        self.stdout.write(self.style.SUCCESS(message % {"count": report.entries, "anchors": report.anchors_checked}))
