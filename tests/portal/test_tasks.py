"""Task notices and draw records on the portal: what is public at each step of the ceremony."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from spotcheck.draws import services
from spotcheck.draws.models import Task
from spotcheck.drawspec import engine
from spotcheck.inspectors.models import Recusal
from tests.factories import InspectionObjectFactory, later_window
from tests.fixtures.deadlines import complete_visits

pytestmark = pytest.mark.django_db

AFTER_VISITS = Task.ListPublication.AFTER_VISITS


def _page(client, task):
    return client.get(reverse("portal:task_detail", args=[task.code]))


def _record(client, task):
    response = client.get(reverse("portal:task_record", args=[task.code]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    return response


def _drawn_names(task):
    return [(v.public_id, v.inspection_object.name) for v in task.visits.select_related("inspection_object")]


@pytest.fixture
def private_facts(objects, scjg_inspectors, scjg):
    """A recusal and an object left out of the pool: neither may ever reach the public."""
    Recusal.objects.create(inspector=scjg_inspectors[2], inspection_object=objects[0], reason="近亲属在该企业任职")
    return InspectionObjectFactory(name="已注销的秘密商行", status="cancelled", owner_department=scjg)


def test_unannounced_tasks_are_not_public(public, make_task, scjg_admin):
    draft = make_task()
    frozen = make_task()
    services.task_freeze(actor=scjg_admin, task=frozen)
    for task in (draft, frozen):
        assert _page(public, task).status_code == 404
        assert public.get(reverse("portal:task_record", args=[task.code])).status_code == 404
    listing = public.get(reverse("portal:task_list")).content.decode()
    assert draft.code not in listing and frozen.code not in listing
    assert public.get(reverse("portal:task_detail", args=["NO-SUCH-CODE"])).status_code == 404


def test_notice_before_draw_keeps_secret_and_exclusions(public, make_task, run_ceremony, private_facts):
    task = run_ceremony(make_task(), draw=False)
    secret = task.draw.server_secret
    assert secret and task.frozen_pool.exclusion_count > 0 and task.exclusion_groups.exists()

    response = _page(public, task)
    assert response.status_code == 200
    page = response.content.decode()
    assert task.code in page and task.title in page
    for text in (task.draw.input_digest, task.draw.pool_digest, task.draw.commitment):
        assert text in page
    for stratum in task.strata.all():
        assert stratum.name in page and stratum.digest in page
    assert "50%" in page and "25%" in page
    assert "尚未抽取" in page
    assert secret not in page
    assert "3-5-2" not in page  # witness inputs appear once drawn
    assert private_facts.name not in page and "近亲属" not in page
    assert task.code in public.get(reverse("portal:task_list")).content.decode()
    assert task.code in public.get(reverse("portal:index")).content.decode()

    body = _record(public, task).content.decode()
    assert secret not in body
    record = json.loads(body)
    assert record["commitment"] == engine.commitment(secret)
    assert record["input_digest"] == task.draw.input_digest
    assert not {"server_secret", "seed", "exclusions", "result", "pool", "witnesses"} & set(record)


def test_drawn_list_is_public_and_verifies(public, make_task, run_ceremony, private_facts, tmp_path):
    task = run_ceremony(make_task())
    page = _page(public, task).content.decode()
    drawn = _drawn_names(task)
    assert drawn
    for public_id, name in drawn:
        assert public_id in page and name in page
    for value in ("3-5-2", "6 1 4"):
        assert value in page
    assert task.draw.server_secret in page and task.draw.seed in page
    assert reverse("portal:verifier") in page and "python3 verify_draw.py" in page
    assert private_facts.name not in page and "近亲属" not in page

    response = _record(public, task)
    assert task.code in response["Content-Disposition"]
    record = json.loads(response.content)
    assert "exclusions" not in record
    assert engine.verify_record(record) == []
    assert [t["id"] for t in record["result"]["targets"]] == [public_id for public_id, _ in drawn]

    verifier = public.get(reverse("portal:verifier"))
    (tmp_path / "verify_draw.py").write_bytes(verifier.content)
    (tmp_path / "record.json").write_bytes(response.content)
    run = subprocess.run(
        [sys.executable, "verify_draw.py", "record.json"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.strip() == "验证通过：抽取记录被完全重现。"


def test_tampered_record_fails_the_downloaded_verifier(public, make_task, run_ceremony, tmp_path):
    task = run_ceremony(make_task())
    record = json.loads(_record(public, task).content)
    record["witnesses"][0] = "1-1-1"
    (tmp_path / "record.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "verify_draw.py").write_bytes(public.get(reverse("portal:verifier")).content)
    run = subprocess.run(
        [sys.executable, "verify_draw.py", "record.json"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 1 and "验证通过" not in run.stdout
    assert "随机种子不符" in run.stdout


def test_after_visits_list_hidden_until_published(public, make_task, run_ceremony, scjg_admin, tmp_path):
    task = run_ceremony(make_task(list_publication=AFTER_VISITS))
    drawn = _drawn_names(task)
    page = _page(public, task).content.decode()
    assert "名单将在检查结束后公布" in page
    assert task.draw.commitment in page
    for public_id, name in drawn:
        assert public_id not in page and name not in page
    assert task.draw.server_secret not in page and task.draw.seed not in page
    body = _record(public, task).content.decode()
    assert task.draw.server_secret not in body and task.draw.seed not in body
    assert not {"server_secret", "seed", "result", "pool"} & set(json.loads(body))

    complete_visits(task, scjg_admin)  # the list waits until every visit is done (deadlines)
    services.task_publish_list(actor=scjg_admin, task=task)
    page = _page(public, task).content.decode()
    assert "名单将在检查结束后公布" not in page
    for public_id, name in drawn:
        assert public_id in page and name in page
    assert engine.verify_record(json.loads(_record(public, task).content)) == []


def test_cancelled_task_shows_reason_and_what_it_had(public, make_task, run_ceremony, scjg_admin):
    announced = run_ceremony(make_task(), draw=False)
    services.task_cancel(actor=scjg_admin, task=announced, reason="检查对象范围有误")
    page = _page(public, announced).content.decode()
    assert "已取消" in page and "检查对象范围有误" in page
    assert announced.draw.commitment in page
    assert announced.draw.server_secret not in page
    assert "server_secret" not in json.loads(_record(public, announced).content)

    drawn = run_ceremony(make_task())
    services.task_cancel(actor=scjg_admin, task=drawn, reason="任务合并")
    page = _page(public, drawn).content.decode()
    assert "任务合并" in page
    assert engine.verify_record(json.loads(_record(public, drawn).content)) == []


def test_task_cancelled_before_announcement_is_not_public(public, make_task, scjg_admin):
    task = make_task()
    services.task_cancel(actor=scjg_admin, task=task, reason="不再需要")
    assert _page(public, task).status_code == 404


def test_verifier_download(public):
    response = public.get(reverse("portal:verifier"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/x-python")
    assert response["Content-Disposition"] == 'attachment; filename="verify_draw.py"'
    source = Path(engine.__file__).with_name("verify_draw.py").read_bytes()
    assert response.content == source


def test_portal_pages_do_not_need_login_nor_show_staff_navigation(public, make_task, run_ceremony):
    task = run_ceremony(make_task())
    for url in (reverse("portal:index"), reverse("portal:task_list"), reverse("portal:plan_list")):
        response = public.get(url)
        assert response.status_code == 200
        assert reverse("directory:list") not in response.content.decode()
    assert reverse("catalog:list") not in _page(public, task).content.decode()


def test_task_list_query_count_does_not_grow(public, make_task, run_ceremony, django_assert_max_num_queries):
    for _ in range(3):
        run_ceremony(make_task(), draw=False)
    with django_assert_max_num_queries(3):
        page = public.get(reverse("portal:task_list")).content.decode()
    assert page.count(">SCJG-2026-000") == 3


def test_task_cancelled_after_a_private_draw_keeps_its_list(public, make_task, run_ceremony, scjg_admin):
    task = run_ceremony(make_task(list_publication=AFTER_VISITS))
    services.task_cancel(actor=scjg_admin, task=task, reason="检查力量调整")
    page = _page(public, task).content.decode()
    assert "检查力量调整" in page and "抽取名单未公布" in page
    for public_id, name in _drawn_names(task):
        assert public_id not in page and name not in page
    assert "server_secret" not in json.loads(_record(public, task).content)


# ------------------------------------------------------------ a drawn list of many targets


def _targets_in_page(page, task):
    ids = {v.public_id for v in task.visits.all()}
    return [code for code in re.findall(r'<span class="mono">([^<]+)</span>', page) if code in ids]


def test_drawn_list_is_paged_in_list_order(public, big_task):
    record = json.loads(_record(public, big_task).content)
    order = [t["id"] for t in record["result"]["targets"]]
    assert 100 < len(order) <= 200
    page = _page(public, big_task).content.decode()
    assert _targets_in_page(page, big_task) == order[:100]
    assert f"共抽中 {len(order)} 个对象" in page and f"第 1 / 2 页，共 {len(order)} 条" in page
    assert big_task.draw.seed in page and big_task.draw.server_secret in page
    page = public.get(reverse("portal:task_detail", args=[big_task.code]), {"page": 2}).content.decode()
    assert _targets_in_page(page, big_task) == order[100:]
    name = big_task.visits.get(public_id=order[-1]).inspection_object.name
    assert name in page


def test_drawn_list_filtered_by_stratum_and_searched(public, big_task):
    url = reverse("portal:task_detail", args=[big_task.code])
    visits = big_task.visits.select_related("inspection_object", "stratum")
    general = list(visits.filter(stratum__name="一般").order_by("rank").values_list("public_id", flat=True))
    page = public.get(url, {"stratum": "一般"}).content.decode()
    assert _targets_in_page(page, big_task) == general[:100]
    assert f"符合条件的 {len(general)} 个" in page

    visit = visits.order_by("rank").first()
    for query in (visit.public_id, visit.public_id.lower()[:-1], visit.inspection_object.name):
        page = public.get(url, {"q": query}).content.decode()
        assert visit.public_id in _targets_in_page(page, big_task), query
    page = public.get(url, {"q": visit.inspection_object.name, "stratum": visit.stratum.name}).content.decode()
    assert _targets_in_page(page, big_task) == [visit.public_id] and "符合条件的 1 个" in page
    page = public.get(url, {"q": "不存在的企业"}).content.decode()
    assert _targets_in_page(page, big_task) == [] and "没有符合条件的抽中对象" in page


def test_task_page_reads_neither_pool_nor_result(public, big_task, django_assert_max_num_queries):
    """The record carries the whole pool and every target; the page reads a page of visits."""
    with django_assert_max_num_queries(12) as captured:
        page = public.get(reverse("portal:task_detail", args=[big_task.code]), {"page": 2}).content.decode()
    assert _targets_in_page(page, big_task)
    sql = "\n".join(q["sql"] for q in captured.captured_queries)
    assert "draws_frozenstratum" not in sql and "draws_frozenpool" not in sql
    assert '"draws_draw"."result"' not in sql
    # A search or a stratum adds the task's total beside the matches.
    with django_assert_max_num_queries(13):
        public.get(reverse("portal:task_detail", args=[big_task.code]), {"q": "溧阳", "stratum": "一般"})


def test_list_hidden_until_published_even_when_asked_for(public, make_task, run_ceremony):
    task = run_ceremony(make_task(list_publication=AFTER_VISITS))
    visit = task.visits.select_related("inspection_object").first()
    url = reverse("portal:task_detail", args=[task.code])
    page = public.get(url, {"q": visit.public_id, "stratum": visit.stratum.name, "page": 1}).content.decode()
    # (The query itself comes back in the language switch's return address.)
    assert _targets_in_page(page, task) == [] and visit.inspection_object.name not in page
    assert "名单将在检查结束后公布" in page


def test_task_list_query_count_with_drawn_tasks(public, make_task, run_ceremony, django_assert_max_num_queries):
    for n in range(3):
        run_ceremony(make_task(**later_window(n + 1)))  # in one window they would be redraws
    # The tasks, their count and the redraws per department and year.
    with django_assert_max_num_queries(4):
        page = public.get(reverse("portal:task_list")).content.decode()
    assert page.count(">SCJG-2026-000") == 3


def test_a_task_page_is_headed_as_one_notice_in_english(public, make_task, run_ceremony):
    # The list is "Inspection task notices"; one task's page is its notice (one).
    task = run_ceremony(make_task(), draw=False)
    page = public.get(reverse("portal:task_detail", args=[task.code]), headers={"accept-language": "en"})
    html = page.content.decode()
    assert "<h1>Inspection task notice</h1>" in html and "Inspection task notices</a>" in html
