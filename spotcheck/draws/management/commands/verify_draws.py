"""Re-verify every draw record in the database with the SC-DRAW-1 verifier, and check that each
drawn task's visits and teams are the record's targets and teams (visits reference objects,
strata and inspectors without database constraints: see ``draws.models``)."""

from django.core.management.base import BaseCommand, CommandError

from spotcheck.draws.models import Task
from spotcheck.draws.selectors import full_record, visit_mismatches
from spotcheck.drawspec import engine


class Command(BaseCommand):
    help = "核验数据库中的全部抽取记录及其检查和检查组；有不符时列出任务编号和原因，退出码非零"

    def handle(self, *args, **options):
        failures: list[str] = []
        checked = 0
        for task in Task.objects.filter(draw__seed__gt="").order_by("code").iterator(chunk_size=100):
            checked += 1
            record = full_record(task)
            reasons = engine.verify_record(record) or visit_mismatches(task, record["result"])
            if reasons:
                failures.append(task.code)
                for reason in reasons:
                    self.stderr.write(f"FAIL {task.code}: {reason}")
            else:
                self.stdout.write(f"OK {task.code}")
        if failures:
            raise CommandError(f"{len(failures)} 个抽取记录核验失败：{'、'.join(failures)}")
        self.stdout.write(f"全部 {checked} 个抽取记录核验通过。")
