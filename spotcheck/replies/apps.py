from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepliesConfig(AppConfig):
    """企业说明/异议 and the answers to complaints (issue 14, item 4: the enterprise's voice).
    Above publication (a reply is to a published result) and followups, below the portal, which
    takes the replies and shows the accepted ones beside the result (RULES.md: "a right to reply
    shown beside the result"). Its own app rather than part of publication: publication decides
    what the department makes public of a result, this app what the enterprise says back and how
    the department answers it, with its own reviewers' pages and the answers to the complaints
    of the 检查码 page, which are not about a published result at all."""

    name = "spotcheck.replies"
    verbose_name = _("企业说明与投诉答复")

    def ready(self) -> None:
        from spotcheck.replies import receivers  # noqa: F401  (connects to inspections' signals)
