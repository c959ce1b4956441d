"""Print a drawn task's SC-DRAW-1 record as JSON, or write one file per drawn task."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from spotcheck.draws.models import Task
from spotcheck.draws.selectors import full_record
from spotcheck.drawspec import engine


def _text(task: Task, public: bool) -> str:
    record = full_record(task)
    return engine.canonical_json(engine.public_copy(record) if public else record) + "\n"


class Command(BaseCommand):
    help = "导出抽查任务的抽取记录（JSON）：export_draw TASK_CODE，或 export_draw --all DIR"

    def add_arguments(self, parser):
        parser.add_argument("code", nargs="?", help="任务编号，如 SCJG-2026-0001")
        parser.add_argument(
            "--all", dest="all_dir", metavar="DIR", help="把每个已抽取任务的记录写入 DIR/<任务编号>.json"
        )
        parser.add_argument("--public", action="store_true", help="导出公开版本（不含回避名单）")

    def handle(self, *args, code=None, all_dir=None, public=False, **options):
        if bool(code) == bool(all_dir):
            raise CommandError("请给出一个任务编号，或用 --all DIR 导出全部。")
        if code:
            task = Task.objects.filter(code=code).first()
            if task is None:
                raise CommandError(f"没有编号为 {code} 的任务。")
            if not hasattr(task, "draw") or not task.draw.is_drawn:
                raise CommandError(f"任务 {code} 尚未抽取，没有抽取记录。")
            self.stdout.write(_text(task, public), ending="")
            return
        directory = Path(all_dir)
        directory.mkdir(parents=True, exist_ok=True)
        written = 0
        for task in Task.objects.filter(draw__seed__gt="").order_by("code").iterator(chunk_size=100):
            (directory / f"{task.code}.json").write_text(_text(task, public), encoding="utf-8")
            written += 1
        self.stdout.write(f"已导出 {written} 个任务的抽取记录到 {directory}")
