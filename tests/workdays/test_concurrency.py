"""Two loads of the same year at once (gaps13): the second waits for the first and then replaces
it, as a load after it would — no IntegrityError, no 500, and a message naming what it replaced.

Real concurrent connections: the first load is held open in its transaction until the second is
seen waiting on a lock in PostgreSQL, then committed."""

from __future__ import annotations

import datetime as dt
import threading
import time
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse

from spotcheck.deadlines.recompute import holiday_year_enter
from spotcheck.workdays.models import CalendarDay, HolidayYear
from spotcheck.workdays.services import holiday_year_load

FIRST = [(2, {"date": "2027-01-01", "kind": "holiday", "name": "元旦"})]
SECOND_CSV = "date,kind,name\n2027-01-01,holiday,元旦\n2027-01-04,holiday,元旦\n2027-01-09,workday,元旦\n"


def _wait_until_someone_waits_on_a_lock(timeout: float = 20.0) -> bool:
    """True once another backend of this database waits on a lock (the second load is blocked)."""
    deadline = time.monotonic() + timeout
    # The main thread's own connection, in autocommit: it sees the other backends as they are.
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.05)
    return False


def _second_by_command(tmp_path, client: Client) -> str:
    path = tmp_path / "2027.csv"
    path.write_text(SECOND_CSV, encoding="utf-8")
    out, err = StringIO(), StringIO()
    args = ["load", str(path), "--year", "2027", "--notice", "第二份", "--user", "sysadmin"]
    call_command("workdays", *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def _second_by_page(tmp_path, client: Client) -> str:
    response = client.post(
        reverse("deadlines:calendar"),
        {
            "year": "2027",
            "notice": "第二份",
            "file": SimpleUploadedFile("2027.csv", SECOND_CSV.encode(), "text/csv"),
        },
        follow=True,
    )
    assert response.status_code == 200, response.status_code
    return " ".join(str(m) for m in response.context["messages"])


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("entered_before", [False, True], ids=["new-year", "reload"])
@pytest.mark.parametrize("second", [_second_by_command, _second_by_page], ids=["command", "page"])
def test_a_second_load_of_the_same_year_waits_and_replaces_the_first(tmp_path, sysadmin, entered_before, second):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (real concurrent connections)")
    if entered_before:
        holiday_year_load(actor=None, year=2027, notice="旧通知", rows=[])
    # Logged in before the race: a login writes to the audit trail, whose lock the first load holds.
    client = Client()
    client.force_login(sysadmin)
    first_loaded, release = threading.Event(), threading.Event()
    outcomes: dict[str, object] = {}

    def first_load() -> None:
        try:
            with transaction.atomic():
                holiday_year_enter(actor=sysadmin, year=2027, notice="第一份", rows=FIRST)
                first_loaded.set()
                release.wait(30)
            outcomes["first"] = "loaded"
        except Exception as exc:  # anything else is a failure of the test
            outcomes["first"] = exc
        finally:
            first_loaded.set()
            connections.close_all()

    def second_load() -> None:
        try:
            outcomes["second"] = second(tmp_path, client)
        except Exception as exc:  # an IntegrityError or a refusal: recorded, then asserted against
            outcomes["second"] = exc
        finally:
            connections.close_all()

    a = threading.Thread(target=first_load)
    a.start()
    assert first_loaded.wait(30)
    b = threading.Thread(target=second_load)
    b.start()
    try:
        blocked = _wait_until_someone_waits_on_a_lock()
    finally:
        release.set()
        a.join(60)
        b.join(60)
    assert blocked, "the second load did not wait for the first"
    assert outcomes["first"] == "loaded", outcomes
    message = outcomes["second"]
    assert isinstance(message, str), repr(message)
    assert "已录入 2027 年节假日安排（第二份）" in message
    assert "取代" in message and "第一份" in message and "系统管理员 吴运维" in message, message

    current = HolidayYear.objects.get(year=2027, superseded_at__isnull=True)
    assert current.notice == "第二份"
    assert list(CalendarDay.objects.filter(holiday_year=current).order_by("date").values_list("date", "kind")) == [
        (dt.date(2027, 1, 1), "holiday"),
        (dt.date(2027, 1, 4), "holiday"),
        (dt.date(2027, 1, 9), "workday"),
    ]
    superseded = HolidayYear.objects.filter(year=2027, superseded_at__isnull=False).values_list("notice", flat=True)
    assert sorted(superseded) == sorted(["第一份", *(["旧通知"] if entered_before else [])])


@pytest.mark.django_db
def test_a_reload_one_after_the_other_names_what_it_replaced(tmp_path, sysadmin):
    first = _second_by_command(tmp_path, Client())
    assert "已录入 2027 年节假日安排（第二份）" in first and "取代" not in first
    again = _second_by_command(tmp_path, Client())
    assert "已取代此前的 2027 年节假日安排（第二份，系统管理员 吴运维 于 " in again
    old, new = HolidayYear.objects.filter(year=2027).order_by("entered_at")
    assert old.entered_at <= old.superseded_at == new.entered_at and new.superseded_at is None
    holiday_year_load(actor=None, year=2027, notice="命令行通知", rows=[])
    assert "（命令行通知，服务器命令行 于 " in _second_by_command(tmp_path, Client())
