from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from spotcheck.accounts.api_tokens import api_token_issue
from spotcheck.accounts.models import ApiToken, Department
from spotcheck.audit.context import audit_source


class Command(BaseCommand):
    help = (
        "为某部门的业务系统签发 API 令牌（令牌只显示这一次）；以 --user 指定的管理员名义签发，记入审计日志。"
        "撤销请在“API 令牌”页面（/accounts/api-tokens/）操作。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="签发人的用户名：该部门的管理员、联席办协调员或系统管理员")
        parser.add_argument("--department", required=True, help="令牌所属部门的代码，如 SCJG")
        parser.add_argument("--name", required=True, help="调用接口的系统名称")
        parser.add_argument(
            "--role",
            default=ApiToken.Access.READ,
            choices=ApiToken.Access.values,
            help="权限：inspector 只读（默认），dept_admin 读写",
        )

    def handle(self, *args, user: str, department: str, name: str, role: str, **options):
        actor = get_user_model().objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(f"用户“{user}”不存在或已停用。")
        dept = Department.objects.filter(code=department, is_active=True).first()
        if dept is None:
            raise CommandError(f"部门代码“{department}”不存在或已停用。")
        try:
            with audit_source("cli"):
                issued = api_token_issue(actor=actor, name=name, department=dept, role=role)
        except PermissionDenied:
            raise CommandError(f"用户“{user}”无权为部门“{dept.short_name}”签发 API 令牌。") from None
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"已为“{issued.token.name}”（{dept.short_name}）签发 API 令牌："))
        self.stdout.write(issued.secret)
        self.stdout.write("令牌只显示这一次，平台只保存它的哈希：请现在复制，交给该系统的管理员妥善保存。")
