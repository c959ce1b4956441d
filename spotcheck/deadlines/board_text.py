"""What each of the dashboard's lists is called and holds, with the settings' numbers (the
dashboard, its lists and the home page's 待办 say the same)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from spotcheck.deadlines.selectors import Board


def board_text(board: Board) -> tuple[str, str]:
    """The list's title and what it holds, with the settings' numbers."""
    days = settings.SPOTCHECK_VISIT_WINDOW_WARNING_DAYS
    working_days = settings.SPOTCHECK_PUBLICATION_WARNING_WORKING_DAYS
    return {
        Board.VISITS_SOON: (
            _("即将到检查截止日期"),
            _("检查截止日期在今天起 %(n)d 天（自然日）内、还没有确认的检查结果或未能检查记录的检查。") % {"n": days},
        ),
        Board.VISITS_LATE: (
            _("已过检查截止日期"),
            _("检查截止日期已过、还没有确认的检查结果或未能检查记录的检查。"),
        ),
        Board.RESULTS_DUE: (
            _("即将到公示期限"),
            _("公示期限在今天起 %(n)d 个工作日内、尚未公示的检查结果。") % {"n": working_days},
        ),
        Board.RESULTS_OVERDUE: (
            _("逾期未公示"),
            _("公示期限已过、尚未公示的检查结果。"),
        ),
    }[board]
