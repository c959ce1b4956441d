from django.core.management.base import BaseCommand, CommandError

from spotcheck.audit.anchors import anchor_publish
from spotcheck.audit.context import audit_source
from spotcheck.bulkdata.services import bulk_files_build
from spotcheck.demo.references import DemoDataError
from spotcheck.demo.services import DEFAULT_BATCH_SIZE, DEFAULT_SEED, demo_load


class Command(BaseCommand):
    help = (
        "生成演示区划溧阳市（320481）的演示数据：行政区划、部门、各角色账号、执法检查人员、抽查事项、"
        "检查对象，以及本年度的抽查计划和摇号。同一随机种子生成相同的数据（摇号结果除外：服务器密钥"
        "每次随机生成）；检查对象分批流式写入，可生成 10^6–10^7 条用于性能测试。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--objects", type=int, default=20000, help="检查对象数（默认 20000）")
        parser.add_argument("--inspectors", type=int, default=300, help="执法检查人员数（默认 300）")
        parser.add_argument("--seed", default=str(DEFAULT_SEED), help=f"随机种子（默认 {DEFAULT_SEED}）")
        parser.add_argument(
            "--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help=f"每批写入的对象数（默认 {DEFAULT_BATCH_SIZE}）"
        )
        parser.add_argument("--if-empty", action="store_true", help="演示区划已存在时什么也不做（可重复运行）")
        parser.add_argument(
            "--no-copy", action="store_true", help="在 PostgreSQL 上也用 bulk_create 而不是 COPY 写入检查对象"
        )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]

        def progress(done: int, total: int, seconds: float) -> None:
            if verbosity >= 1:
                rate = done / seconds if seconds else 0.0
                self.stdout.write(f"  检查对象 {done:,}/{total:,}（{done * 100 // max(total, 1)}%），{rate:,.0f} 条/秒")

        try:
            with audit_source("cli"):
                result = demo_load(
                    actor="manage.py demo_data",
                    objects=options["objects"],
                    inspectors=options["inspectors"],
                    seed=options["seed"],
                    batch_size=options["batch_size"],
                    if_empty=options["if_empty"],
                    use_copy=False if options["no_copy"] else None,
                    progress=progress,
                )
        except DemoDataError as exc:
            raise CommandError(str(exc)) from exc
        if result.skipped:
            self.stdout.write("演示区划已存在，未做任何改动（--if-empty）。")
            return
        counts = result.counts
        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据已生成（{result.seconds:.1f} 秒）：检查对象 {counts['objects']:,} 个，"
                f"执法检查人员 {counts['inspectors']:,} 名，抽查事项 {counts['items']} 项"
                f"（{counts['versions']} 个版本），账号 {counts['staff_accounts'] + counts['inspector_accounts']} 个。"
            )
        )
        self.stdout.write(
            f"  {counts['plans']} 个年度抽查计划已公布；{counts['tasks_drawn']} 个抽查任务已完成摇号，"
            f"{counts['tasks_announced']} 个已发布公告、等待见证人输入，"
            f"{counts['tasks_frozen']} 个已冻结对象库、待发布公告。"
        )
        if counts.get("results_published"):
            # demo14: the portal's result notices (demo_logins lists where to see them).
            self.stdout.write(
                f"  {counts['results_published']} 条检查结果已公示（{counts['result_notice_departments']} 个部门的"
                f"检查结果公告，其中 {counts['results_published_late']} 条逾期公示），"
                f"{counts['results_publication_corrected']} 条已更正，{counts['results_withdrawn']} 条已撤下"
                f"（/public/results/）。"
            )
        if verbosity >= 2:
            for key, value in counts.items():
                self.stdout.write(f"  {key}: {value:,}")
        # (bulk14) The open-data files, as the daily job would write them (/public/data/).
        with audit_source("cli"):
            bulk = bulk_files_build()
        self.stdout.write(f"  开放数据文件 {len(bulk.changed)} 个（/public/data/）。")
        # The demo needs no daily timer: its trail is anchored once loaded (the portal shows it).
        try:
            anchor = anchor_publish().anchor
        except OSError as exc:
            raise CommandError(f"无法写入审计日志锚点文件：{exc}") from exc
        if anchor is not None:
            self.stdout.write(f"  审计日志已锚定：第 {anchor.seq} 条（/public/audit-anchors/）。")
