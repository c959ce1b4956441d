"""``manage.py workdays``: the interfaces checked from outside (issue 13, item 10)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from spotcheck.audit.models import AuditEntry
from spotcheck.workdays.calendar import add_working_days, is_provisional, is_working_day
from spotcheck.workdays.models import CalendarDay, HolidayYear
from spotcheck.workdays.selectors import current_calendar
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat
ROOT = Path(__file__).resolve().parents[2]

# A small 2027 table (the dates are made up for the test: the notice is not out yet).
CSV_2027 = """date,kind,name
2027-01-01,holiday,元旦
2027-01-04,holiday,元旦
2027-01-09,workday,元旦
"""


def workdays(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("workdays", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "days.csv") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_add_prints_the_iso_date_on_one_line():
    assert workdays("add", "2026-09-30", "8") == ("2026-10-16\n", "")
    assert workdays("add", "2026-12-31", "20") == ("2027-01-28 provisional\n", "")


@pytest.mark.parametrize(
    ("date", "n", "message"),
    [
        ("2026-13-01", "3", "不是日期"),
        ("tomorrow", "3", "不是日期"),
        ("2026-09-30", "x", "不是整数"),
        ("2026-09-30", "-2", "负数"),
    ],
)
def test_add_refuses_bad_input_clearly(date, n, message):
    with pytest.raises(CommandError, match=message):
        workdays("add", date, n)


def test_a_bad_date_exits_non_zero_without_a_traceback():
    run = subprocess.run(
        [sys.executable, "manage.py", "workdays", "add", "2026-02-30", "5"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode != 0
    assert "不是日期" in run.stderr and "Traceback" not in run.stderr
    assert run.stdout == ""


def test_an_entered_2027_is_honoured_and_not_provisional(tmp_path):
    out, _ = workdays("load", write(tmp_path, CSV_2027), "--year", "2027", "--notice", "国办发明电〔2026〕X号")
    assert "2027" in out and "放假 2 天" in out and "调休上班 1 天" in out
    assert workdays("add", "2026-12-31", "1") == ("2027-01-05\n", "")
    assert workdays("add", "2026-12-31", "5") == ("2027-01-09\n", "")  # the entered Saturday
    assert workdays("add", "2026-12-31", "20")[0] == "2027-01-29\n"
    assert not is_provisional(2027) and is_provisional(2028)
    assert not is_working_day(D("2027-01-04"))


def test_the_entered_table_wins_over_the_package_and_a_reload_supersedes(tmp_path, sysadmin):
    assert is_working_day(D("2026-10-10"))  # the package: Saturday 调休上班
    revised = "date,kind,name\n2026-10-01,holiday,国庆节\n2026-10-08,holiday,国庆节\n"
    path = write(tmp_path, revised)
    workdays("load", path, "--year", "2026", "--notice", "修订通知", "--user", "sysadmin")
    assert not is_working_day(D("2026-10-08")) and not is_working_day(D("2026-10-10"))
    assert add_working_days(D("2026-09-30"), 1).date == D("2026-10-02")
    first = HolidayYear.objects.get(year=2026)
    assert first.entered_by == sysadmin
    # Loading again replaces the year's days; the old notice is kept, marked superseded.
    workdays(
        "load",
        write(tmp_path, "date,kind,name\n2026-10-02,holiday,国庆节\n", name="b.csv"),
        "--year",
        "2026",
        "--notice",
        "再次修订",
    )
    first.refresh_from_db()
    assert first.superseded_at is not None and first.days.count() == 2
    current = HolidayYear.objects.get(year=2026, superseded_at__isnull=True)
    assert current.notice == "再次修订" and current.entered_by is None
    assert is_working_day(D("2026-10-08")) and not is_working_day(D("2026-10-02"))
    assert current_calendar().entered[2026].holidays == frozenset({D("2026-10-02")})


def test_load_writes_an_audit_entry(tmp_path):
    workdays("load", write(tmp_path, CSV_2027), "--year", "2027", "--notice", "国办发明电〔2026〕X号")
    entry = AuditEntry.objects.get(action="workdays.year.load")
    year = HolidayYear.objects.get(year=2027)
    assert entry.target_type == "workdays.holidayyear" and entry.target_id == str(year.pk)
    assert entry.source == "cli" and entry.actor is None
    assert entry.after["notice"] == "国办发明电〔2026〕X号"
    assert entry.after["days"][0] == ["2027-01-01", "holiday", "元旦"]


def test_bom_and_gbk_files_load(tmp_path):
    workdays("load", write(tmp_path, CSV_2027, "utf-8-sig"), "--year", "2027", "--notice", "通知")
    workdays("load", write(tmp_path, CSV_2027, "gbk", "gbk.csv"), "--year", "2027", "--notice", "通知")
    names = set(CalendarDay.objects.values_list("name", flat=True))
    assert names == {"元旦"}


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ("2027-01-01,holiday,元旦\n2026-12-31,holiday,元旦\n", "第 3 行 date 列：2026-12-31 不在 2027 年内"),
        ("2027-01-01,holiday,元旦\n2027-01-09,weekend,元旦\n", "第 3 行 kind 列"),
        (
            "2027-01-01,holiday,元旦\n2027-01-04,holiday,元旦\n2027-01-01,workday,元旦\n",
            "第 4 行 date 列：2027-01-01 与第 2 行重复",
        ),
        ("2027-02-30,holiday,春节\n", "第 2 行 date 列：“2027-02-30”不是日期"),
    ],
)
def test_a_bad_file_is_refused_whole_with_the_row_named(tmp_path, body, named):
    workdays(
        "load",
        write(tmp_path, "date,kind,name\n2027-05-01,holiday,劳动节\n", name="old.csv"),
        "--year",
        "2027",
        "--notice",
        "旧",
    )
    entries = AuditEntry.objects.count()
    err = StringIO()
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command(
            "workdays",
            "load",
            write(tmp_path, "date,kind,name\n" + body),
            "--year",
            "2027",
            "--notice",
            "新",
            stderr=err,
        )
    assert named in err.getvalue()
    # Nothing written: the year entered before is still the one that counts, no new entry.
    assert list(HolidayYear.objects.values_list("notice", "superseded_at")) == [("旧", None)]
    assert CalendarDay.objects.count() == 1 and AuditEntry.objects.count() == entries


def test_load_refuses_a_file_without_the_header_and_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="表头"):
        workdays("load", write(tmp_path, "日期,类别\n2027-01-01,holiday\n"), "--year", "2027", "--notice", "通知")
    with pytest.raises(CommandError, match="不存在"):
        workdays("load", str(tmp_path / "none.csv"), "--year", "2027", "--notice", "通知")
    with pytest.raises(CommandError, match="不是年份"):
        workdays("load", write(tmp_path, CSV_2027), "--year", "二〇二七", "--notice", "通知")
    assert not HolidayYear.objects.exists()


def test_only_a_system_admin_loads(tmp_path, scjg):
    admin = UserFactory(username="dept_admin")
    MembershipFactory(user=admin, department=scjg, role="dept_admin")
    with pytest.raises(CommandError, match="无权"):
        workdays("load", write(tmp_path, CSV_2027), "--year", "2027", "--notice", "通知", "--user", "dept_admin")
    assert not HolidayYear.objects.exists()


@pytest.fixture
def sysadmin(scjg):
    user = UserFactory(username="sysadmin", full_name="系统管理员 吴运维")
    MembershipFactory(user=user, department=scjg, role="sysadmin")
    return user


def test_the_service_names_every_problem_at_once():
    from django.core.exceptions import ValidationError

    from spotcheck.workdays.services import holiday_year_load

    rows = [(2, {"date": "2027-01-01", "kind": "节日"}), (3, {"date": "2027/1/2", "kind": "放假", "name": "元旦"})]
    with pytest.raises(ValidationError) as refused:
        holiday_year_load(actor=None, year=2027, notice="通知", rows=rows)
    assert refused.value.messages == ["第 2 行 kind 列：“节日”不是 holiday（放假）或 workday（调休上班）。"]
    with pytest.raises(ValidationError, match="年度"):
        holiday_year_load(actor=None, year=207, notice="通知", rows=[])
    with pytest.raises(ValidationError, match="文号或标题"):
        holiday_year_load(actor=None, year=2027, notice="  ", rows=[])
    # The Chinese kind and Excel's 2027/1/2 are understood; a year may have no rows at all.
    holiday_year_load(actor=None, year=2027, notice="通知", rows=rows[1:])
    holiday_year_load(actor=None, year=2028, notice="通知", rows=[])
    assert current_calendar().entered[2027].holidays == frozenset({D("2027-01-02")})
    assert not is_provisional(2028)


def test_the_table_reads_in_the_admin_and_cannot_be_edited_there(client, tmp_path):
    workdays("load", write(tmp_path, CSV_2027), "--year", "2027", "--notice", "国办发明电〔2026〕X号")
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    year = HolidayYear.objects.get()
    listing = client.get("/admin/workdays/holidayyear/")
    assert listing.status_code == 200 and "国办发明电〔2026〕X号" in listing.content.decode()
    detail = client.get(f"/admin/workdays/holidayyear/{year.pk}/change/").content.decode()
    assert "2027年1月9日" in detail or "2027-01-09" in detail
    assert "调休上班" in detail
    assert client.get("/admin/workdays/calendarday/").status_code == 200
    assert client.get("/admin/workdays/holidayyear/add/").status_code == 403
    assert client.post(f"/admin/workdays/holidayyear/{year.pk}/delete/").status_code == 403
