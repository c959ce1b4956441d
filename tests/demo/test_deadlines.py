"""On the day the demo is loaded, whatever the day, the deadline dashboard (/deadlines/) lists
visits near and past their window's end and results due for publication soon and overdue, for
the coordinator and for 市场监管's admin; ``scjg_inspector`` is the inspector it is linked to."""

import datetime as dt
import itertools

import pytest
from django.db.models import F
from django.urls import reverse

from spotcheck.accounts.models import User
from spotcheck.deadlines.selectors import Board, Horizon
from spotcheck.demo.clock import InspectionDays, at, story
from spotcheck.inspectors.models import Inspector
from spotcheck.workdays.deadlines import publication_deadline

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("username", ["coordinator", "scjg_admin"])
def test_every_list_of_the_dashboard_has_rows_on_the_load_day(demo, client, username):
    client.force_login(User.objects.get(username=username))
    page = client.get(reverse("deadlines:dashboard"))
    assert page.status_code == 200
    # Capped counts (core.counting.CappedCount): their values, exact below the cap.
    counts = {row["board"]: row["count"].value for row in page.context["boards"]}
    assert all(counts[board] > 0 for board in Board), counts
    # Results: the first ones confirmed are overdue, the later ones due within the warning days.
    assert counts[Board.RESULTS_OVERDUE] >= 2 and counts[Board.RESULTS_DUE] >= 1, counts
    for board in Board:
        listed = client.get(reverse("deadlines:list", args=[board.value]))
        assert listed.status_code == 200 and len(listed.context["rows"]) == counts[board], board


def test_the_demo_inspector_is_the_person_of_its_inspector(demo, client):
    user = User.objects.get(username="scjg_inspector")
    inspector = user.inspector_profile
    assert (user.full_name, user.phone) == (inspector.name, inspector.phone)
    # Every login of the roster names its own inspector (the username swap moved no one).
    assert not Inspector.objects.filter(user__isnull=False).exclude(user__full_name=F("name")).exists()
    client.force_login(user)
    page = client.get(reverse("inspections:my_visits")).content.decode()
    assert inspector.name in page.split('<div class="usermenu">')[1].split("</div>")[0]


@pytest.mark.parametrize(
    "today",
    [
        dt.date(2026, 6, 1),  # a Monday
        dt.date(2026, 12, 5),  # a Saturday
        dt.date(2026, 10, 3),  # in the National Day holiday
        dt.date(2026, 2, 25),  # after the Spring Festival, before the year's tasks fit
        dt.date(2026, 1, 5),  # early January
        dt.date(2026, 12, 31),
    ],
)
def test_the_inspection_days_put_rows_on_the_dashboard_whatever_the_day(today):
    days = InspectionDays.before(today)
    horizon = Horizon.on(today)
    assert publication_deadline(days.overdue_confirmed).date < today
    assert today <= publication_deadline(days.due_confirmed).date <= horizon.results_until.date
    assert days.start < days.overdue_confirmed < days.corrected < days.due_confirmed < days.followups
    assert days.followups < days.closed < days.last < today <= days.soon_end <= horizon.visits_until
    # The tasks' story ends before the inspections' first morning, in order.
    moments = story(today, at(today, 8)).moments()
    assert all(a < b for a, b in itertools.pairwise(moments)) and moments[-1] < at(days.start, 9)
