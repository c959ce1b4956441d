"""Exchange with the national publicity system (issue 14, item 8): the published results in its
layout, through a management command and the staff API; only what the portal shows."""

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from spotcheck.publication import services

pytestmark = pytest.mark.usefixtures("spring_2026")

HEADER = [
    "企业名称",
    "统一社会信用代码",
    "抽查计划编号",
    "抽查计划名称",
    "任务编号",
    "任务名称",
    "抽查类型",
    "抽查机关",
    "抽查完成日期",
    "事项名称",
    "检查结果",
]


@pytest.fixture
def published(final_result, scjg_admin):
    [row] = services.results_publish(actor=scjg_admin, task=final_result.visit.task)
    return row


def _csv(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_command_writes_the_national_layout(published, tmp_path, scjg):
    out = tmp_path / "results.csv"
    call_command("export_results", "--department", scjg.code, "--output", str(out), stderr=io.StringIO())
    rows = _csv(out.read_text(encoding="utf-8"))
    assert rows[0] == HEADER
    record = published.record
    assert rows[1][0] == record["object"]["name"]
    assert rows[1][4] == record["task"]["code"] and rows[1][7] == scjg.name
    assert rows[1][9] == record["items"][0]["name"] and rows[1][10] == "未发现问题"
    assert len(rows) == 2


def test_the_command_refuses_bad_arguments(db):
    with pytest.raises(CommandError):
        call_command("export_results", "--department", "NOPE")
    with pytest.raises(CommandError):
        call_command("export_results", "--year", "²")
    with pytest.raises(CommandError):
        call_command("export_results", "--since", "yesterday")


def test_withdrawn_results_do_not_go_out(published, scjg_admin):
    services.result_publication_withdraw(actor=scjg_admin, published=published, reason="决定已撤销")
    out = io.StringIO()
    call_command("export_results", "--format", "json", stdout=out)
    assert '"count": 0' in out.getvalue()


def test_the_staff_api(published, login, scjg_inspector, client):
    url = "/api/v1/publication/exchange/"
    assert client.get(url).status_code in (401, 403)
    api = login(scjg_inspector)
    body = api.get(url, {"year": published.notice.year}).json()
    assert body["count"] == 1 and body["results"][0]["result_codes"] == ["1"]
    assert body["results"][0]["task_code"] == published.record["task"]["code"]
    response = api.get(url, {"output": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert _csv(response.content.decode("utf-8"))[0] == HEADER
    for bad in ({"year": "²"}, {"department": "x" * 200}, {"since": "nope"}, {"output": "xml"}):
        assert api.get(url, bad).status_code == 400
