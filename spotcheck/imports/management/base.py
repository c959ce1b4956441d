"""What the import and export commands share: whose permissions apply, printing the outcome."""

from __future__ import annotations

import os

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from spotcheck.accounts.models import Department
from spotcheck.accounts.scope import scope_for
from spotcheck.audit.context import audit_source
from spotcheck.imports import exports
from spotcheck.imports.models import ImportJob
from spotcheck.imports.readers import ReadError
from spotcheck.imports.services import default_department_id, import_file


def get_user(username: str):
    try:
        return get_user_model().objects.get(username=username, is_active=True)
    except get_user_model().DoesNotExist:
        raise CommandError(f"用户“{username}”不存在或已停用。") from None


class ImportCommand(BaseCommand):
    kind: str

    def add_arguments(self, parser):
        parser.add_argument("path", help="要导入的 .csv 或 .xlsx 文件")
        parser.add_argument("--user", required=True, help="以该用户的权限导入（审计记录中的操作人）")
        parser.add_argument("--department", help="导入部门代码（默认为该用户所在部门）")

    def handle(self, *args, path: str, user: str, department: str | None, **options):
        actor = get_user(user)
        if not os.path.isfile(path):
            raise CommandError(f"文件“{path}”不存在。")
        scope = scope_for(actor)
        if department:
            dept = Department.objects.filter(code=department, is_active=True).first()
            if dept is None:
                raise CommandError(f"部门代码“{department}”不存在。")
        else:
            dept_id = default_department_id(scope)
            if dept_id is None:
                raise CommandError(f"用户“{user}”没有可以导入数据的部门。")
            dept = Department.objects.get(pk=dept_id)
        try:
            with audit_source("cli"):
                run = import_file(actor=actor, kind=self.kind, path=path, department=dept)
        except (PermissionDenied, Http404):
            raise CommandError(f"用户“{user}”无权为部门“{dept.short_name}”导入数据。") from None
        except ReadError as exc:
            raise CommandError(str(exc)) from None
        job = run.job
        if job.status == ImportJob.Status.SUCCEEDED:
            self.stdout.write(
                f"导入成功（任务 #{job.pk}）：共 {job.total_rows} 行，新增 {job.created_count}，"
                f"更新 {job.updated_count}，未变化 {job.unchanged_count}。"
            )
            return
        if job.status == ImportJob.Status.REJECTED:
            errors = run.outcome.errors if run.outcome else []
            for error in errors:
                self.stderr.write(str(error))
            hidden = job.error_count - len(errors)
            if hidden > 0:
                self.stderr.write(f"……另有 {hidden} 个错误未列出。")
            raise CommandError(f"导入被拒绝（任务 #{job.pk}）：{job.error_count} 个错误，未写入任何数据。")
        raise CommandError(f"导入失败（任务 #{job.pk}）：{job.failure}")


class ExportCommand(BaseCommand):
    kind: str

    def add_arguments(self, parser):
        parser.add_argument("path", help="导出到的文件，按扩展名为 .xlsx 或 .csv")
        parser.add_argument("--user", required=True, help="以该用户的权限导出（审计记录中的操作人）")
        parser.add_argument(
            "--filter",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help="筛选条件（与列表页的筛选参数相同），可重复",
        )

    def handle(self, *args, path: str, user: str, filter: list[str], **options):
        actor = get_user(user)
        fmt = os.path.splitext(path)[1].lower().lstrip(".")
        if fmt not in exports.FORMATS:
            raise CommandError("导出文件的扩展名应为 .xlsx 或 .csv。")
        filters: dict[str, object] = {}
        for item in filter:
            key, sep, value = item.partition("=")
            if not sep or not key:
                raise CommandError(f"筛选条件“{item}”应写作 key=value。")
            if key in filters:
                previous = filters[key]
                filters[key] = [*(previous if isinstance(previous, list) else [previous]), value]
            else:
                filters[key] = value
        # Written next to the target and renamed at the end: no half-written file on failure.
        tmp = f"{path}.part"
        try:
            with audit_source("cli"), open(tmp, "wb") as out:
                count = exports.export_write(actor=actor, kind=self.kind, filters=filters, fmt=fmt, out=out)
        except Http404:
            os.remove(tmp)
            raise CommandError(f"用户“{user}”没有查看这些数据的权限。") from None
        except exports.ExportError as exc:
            os.remove(tmp)
            raise CommandError(str(exc)) from None
        except BaseException:
            os.remove(tmp)
            raise
        os.replace(tmp, path)
        self.stdout.write(f"已导出 {count} 行到 {path}。")
