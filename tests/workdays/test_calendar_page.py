"""The working-day calendar's page (/workdays/): each year's source, a year's months, the upload
of a year's notice by the system admin, and the publication deadlines it recomputes."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from spotcheck.audit.models import AuditEntry
from spotcheck.deadlines.recompute import publication_deadlines_recompute
from spotcheck.draws.models import Visit
from spotcheck.results.models import VisitResult
from spotcheck.workdays.models import CalendarDay, HolidayYear
from spotcheck.workdays.services import holiday_year_load
from tests.fixtures.deadlines import make_result

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat
PAGE = reverse("deadlines:calendar")
# A made-up 2027 (the notice is not out): 1 and 4 January off, Saturday 9 January worked.
CSV_2027 = "date,kind,name\n2027-01-01,holiday,元旦\n2027-01-04,holiday,元旦\n2027-01-09,workday,元旦\n"


def upload(client, text: str, *, year="2027", notice="国办发明电〔2026〕1号", encoding="utf-8"):
    return client.post(
        PAGE,
        {"year": year, "notice": notice, "file": SimpleUploadedFile("2027.csv", text.encode(encoding), "text/csv")},
    )


@pytest.fixture
def year_end_result(scjg_task, scjg_admin):
    """A result confirmed on 31 December 2026: its 20 working days run into 2027."""
    visit = Visit.objects.filter(task=scjg_task).order_by("pk").first()
    return make_result(visit, scjg_admin, confirmed_on=D("2026-12-31"))


def test_the_page_lists_each_years_source(login, sysadmin):
    holiday_year_load(actor=None, year=2027, notice="旧通知", rows=[(2, {"date": "2027-01-01", "kind": "holiday"})])
    holiday_year_load(actor=sysadmin, year=2027, notice="新通知", rows=[])
    page = login(sysadmin).get(PAGE).content.decode()
    row = page.split('data-year="2027"')[1].split("</tr>")[0]
    assert "管理员录入" in row and "新通知" in row and "已被取代：旧通知" in row and "吴运维" in row
    assert "软件包已收录" in page.split('data-year="2026"')[1].split("</tr>")[0]
    assert 'data-year="2004"' in page
    assert 'enctype="multipart/form-data"' in page


def test_an_unknown_year_reads_as_provisional(login, sysadmin):
    page = login(sysadmin).get(PAGE).content.decode()
    assert "未知（暂定）" in page.split('data-year="2027"')[1].split("</tr>")[0]


def test_the_month_view_shows_holidays_and_make_up_days(login, sysadmin):
    page = login(sysadmin).get(reverse("deadlines:calendar_year", args=[2026])).content.decode()
    assert 'data-date="2026-10-01" data-kind="holiday" title="国庆节"' in page
    assert 'data-date="2026-10-10" data-kind="workday"' in page  # Saturday, 调休上班
    assert 'data-date="2026-10-11" data-kind="weekend"' in page
    assert 'data-date="2026-02-14" data-kind="workday"' in page
    assert 'data-date="2026-10-12" data-kind="working"' in page
    page = login(sysadmin).get(reverse("deadlines:calendar_year", args=[2027])).content.decode()
    assert "暂定" in page and 'data-date="2027-01-01" data-kind="working"' in page
    for bad in ("abc", "99999", "1999"):
        assert login(sysadmin).get(f"/workdays/{bad}/").status_code == 404


def test_uploading_a_year_recomputes_the_deadlines_it_touches(login, sysadmin, year_end_result):
    assert (year_end_result.publication_due_on, year_end_result.publication_due_provisional) == (
        D("2027-01-28"),
        True,
    )
    response = upload(login(sysadmin), CSV_2027)
    assert response.status_code == 302 and response.url == reverse("deadlines:calendar_year", args=[2027])
    year = HolidayYear.objects.get(year=2027)
    assert (year.notice, year.entered_by) == ("国办发明电〔2026〕1号", sysadmin)
    year_end_result.refresh_from_db()
    # Two holidays fewer in January, one Saturday more: 20 working days end on 29 January.
    assert (year_end_result.publication_due_on, year_end_result.publication_due_provisional) == (
        D("2027-01-29"),
        False,
    )
    entry = AuditEntry.objects.get(action="deadlines.publication.recompute")
    assert entry.after["count"] == 1 and entry.after["year"] == 2027
    page = login(sysadmin).get(reverse("deadlines:calendar_year", args=[2027])).content.decode()
    assert "重新计算了 1 条检查结果的公示期限" in page
    assert 'data-date="2027-01-09" data-kind="workday" title="元旦"' in page


def test_a_bad_file_is_refused_whole_with_the_row_named(login, sysadmin, year_end_result):
    client = login(sysadmin)
    response = upload(client, CSV_2027 + "2027-01-04,holiday,重复\n2028-01-01,holiday,\n2027-02-01,节日,\n")
    assert response.status_code == 400
    page = response.content.decode()
    assert "第 5 行 date 列" in page and "与第 3 行重复" in page
    assert "第 6 行 date 列" in page and "第 7 行 kind 列" in page and "未写入任何数据" in page
    assert not HolidayYear.objects.exists() and not CalendarDay.objects.exists()
    year_end_result.refresh_from_db()
    assert year_end_result.publication_due_provisional
    # A file that is not a year's CSV, a missing header, a bad year: the field is named.
    assert "表头" in upload(client, "日期,类别\n2027-01-01,holiday\n").content.decode()
    assert (
        "UTF-16"
        in client.post(
            PAGE, {"year": "2027", "notice": "n", "file": SimpleUploadedFile("x.csv", "date,kind\n".encode("utf-16"))}
        ).content.decode()
    )
    assert upload(client, CSV_2027, year="二〇二七").status_code == 400
    assert upload(client, CSV_2027, notice="").status_code == 400
    assert client.post(PAGE, {"year": "2027", "notice": "n"}).status_code == 400
    big = SimpleUploadedFile("big.csv", b"date,kind,name\n" + b"x" * (1024 * 1024 + 1))
    assert "超过 1 MB" in client.post(PAGE, {"year": "2027", "notice": "n", "file": big}).content.decode()
    assert not HolidayYear.objects.exists()


def test_gbk_files_upload(login, sysadmin):
    assert upload(login(sysadmin), CSV_2027, encoding="gbk").status_code == 302
    assert CalendarDay.objects.get(date=D("2027-01-09")).name == "元旦"


def test_the_coordinator_and_the_auditor_read_only_others_get_404(
    login, client, coordinator, auditor, scjg_admin, scjg_inspector, witness
):
    for reader in (coordinator, auditor):
        c = login(reader)
        page = c.get(PAGE).content.decode()
        assert "工作日历" in page and "multipart/form-data" not in page
        assert upload(c, CSV_2027).status_code == 403
    for other in (scjg_admin, scjg_inspector, witness):
        c = login(other)
        assert c.get(PAGE).status_code == 404
        assert upload(c, CSV_2027).status_code == 404
        assert c.get(reverse("deadlines:calendar_year", args=[2026])).status_code == 404
    client.logout()
    assert client.get(PAGE).status_code == 302
    assert not HolidayYear.objects.exists()


def test_the_nav_offers_the_page_to_the_system_admin(login, sysadmin, coordinator):
    assert f'href="{PAGE}"' in login(sysadmin).get(reverse("web:home")).content.decode()
    assert f'href="{PAGE}"' not in login(coordinator).get(reverse("web:home")).content.decode()


def test_the_command_recomputes_too(tmp_path, year_end_result):
    path = tmp_path / "2027.csv"
    path.write_text(CSV_2027, encoding="utf-8")
    out = StringIO()
    call_command("workdays", "load", str(path), "--year", "2027", "--notice", "通知", stdout=out)
    assert "重新计算了 1 条" in out.getvalue()
    year_end_result.refresh_from_db()
    assert year_end_result.publication_due_on == D("2027-01-29")


def test_the_daily_recompute_settles_what_is_still_provisional(year_end_result, scjg_task, scjg_admin):
    # A year entered without the recompute (an old path): the daily run settles it.
    holiday_year_load(actor=None, year=2027, notice="通知", rows=[(2, {"date": "2027-01-01", "kind": "holiday"})])
    assert publication_deadlines_recompute(actor=None) == 1
    year_end_result.refresh_from_db()
    assert (year_end_result.publication_due_on, year_end_result.publication_due_provisional) == (
        D("2027-01-29"),
        False,
    )
    assert publication_deadlines_recompute(actor=None) == 0
    # Re-entering the year moves firm deadlines in its span too (the notice was revised).
    holiday_year_load(actor=None, year=2027, notice="修订", rows=[])
    assert publication_deadlines_recompute(actor=None, year=2027) == 1
    assert VisitResult.objects.get(pk=year_end_result.pk).publication_due_on == D("2027-01-28")
