from django.core.management.base import BaseCommand

from spotcheck.demo.logins import demo_logins, portal_pointers


class Command(BaseCommand):
    help = "列出演示账号：每个角色一个（用户名、密码、角色、所在单位）。"

    def handle(self, *args, **options):
        logins = demo_logins()
        if not logins:
            self.stdout.write("还没有演示账号：请先运行 manage.py demo_data。")
            return
        rows = [("用户名", "密码", "角色", "所在单位")] + [
            (login.username, login.password, login.role_label, login.department) for login in logins
        ]
        widths = [max(_width(row[i]) for row in rows) for i in range(4)]
        for n, row in enumerate(rows):
            self.stdout.write("  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip())
            if n == 0:
                self.stdout.write("  ".join("-" * w for w in widths))
        self.stdout.write("各部门另有 <部门代码>_admin、<部门代码>_approver 和 <部门代码>_inspector 等账号，密码相同。")
        self.stdout.write("见证人另有 witness2（市场监管）和 wsjk_witness（卫健）：联合抽查的见证人须来自两个部门。")
        pointers = portal_pointers()
        if pointers:
            # demo14: the portal needs no login.
            self.stdout.write("公众门户（无需登录）：")
            for pointer in pointers:
                self.stdout.write(f"  {pointer.label}：{pointer.path}")


def _width(text: str) -> int:
    # CJK characters take two columns in a terminal.
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
