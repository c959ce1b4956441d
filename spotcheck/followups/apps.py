from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupsConfig(AppConfig):
    """后续处置: what happens after a problem is found — follow-ups tracked to 完结, re-checks,
    抄告 to other departments, the object's 风险记录, and the 检查结果告知 for the enterprise."""

    name = "spotcheck.followups"
    verbose_name = _("后续处置")

    def ready(self) -> None:
        from spotcheck.followups import receivers  # noqa: F401  (connects to results' signals)
