from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from spotcheck.accounts.lockouts import lockout_lift
from spotcheck.audit.context import audit_source


class Command(BaseCommand):
    help = "解除登录锁定：某个账号（--username）或某个网络地址（--ip）；以 --user 指定的系统管理员名义，记入审计日志。"

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="执行解锁的系统管理员的用户名（审计记录中的操作人）")
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--username", help="要解锁的账号")
        target.add_argument("--ip", help="要解锁的网络地址")

    def handle(self, *args, user: str, username: str | None, ip: str | None, **options):
        actor = get_user_model().objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(f"用户“{user}”不存在或已停用。")
        try:
            with audit_source("cli"):
                cleared = lockout_lift(actor=actor, username=username or "", ip_address=ip or "")
        except PermissionDenied:
            raise CommandError(f"用户“{user}”无权解除登录锁定（需要系统管理员）。") from None
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"已解除“{username or ip}”的登录锁定（清除 {cleared} 条计数）。"))
