"""检查码 (issue 13, item 3): issued with the approval or the emergency start, random and unique,
kept when the approval is withdrawn; its QR on the visit page; the public page shows only what
the enterprise needs, and any odd code is a 404 saying 检查码无效."""

import re

import pytest
from django.apps import apps
from django.urls import reverse

from spotcheck.draws import services as draws_services
from spotcheck.inspections import check_codes, services
from spotcheck.inspections.models import VisitCode

pytestmark = pytest.mark.usefixtures("spring_2026")

CODE = re.compile(r"^[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{12}$")


def _public(code: str) -> str:
    return reverse("portal:check_code", args=[code])


def test_approval_issues_one_code_per_visit_and_only_then(scjg_task, scjg_approver):
    assert not VisitCode.objects.exists()
    services.visits_approve(actor=scjg_approver, task=scjg_task)
    codes = list(VisitCode.objects.values_list("code", flat=True))
    assert len(codes) == scjg_task.visits.count() == len(set(codes))
    assert all(CODE.match(c) for c in codes)


def test_an_emergency_start_issues_the_code_and_the_later_approval_keeps_it(
    my_visit, scjg_inspector, scjg_approver, scjg_task, code_of
):
    services.visit_emergency_start(actor=scjg_inspector, visit=my_visit, reason="群众举报有安全隐患")
    first = code_of(my_visit)
    services.visits_approve(actor=scjg_approver, task=scjg_task, visits=[my_visit])
    assert code_of(my_visit) == first and VisitCode.objects.count() == 1


def test_a_withdrawn_approval_keeps_the_code_and_the_public_page_says_so(
    approved_visit, scjg_approver, scjg_task, code_of, public
):
    code = code_of(approved_visit)
    page = public.get(_public(code)).content.decode()
    assert "已审批" in page and "目前未获批准" not in page
    services.visit_approval_withdraw(actor=scjg_approver, visit=approved_visit, reason="检查对象已停业")
    assert code_of(approved_visit) == code  # not deleted
    response = public.get(_public(code))
    assert response.status_code == 200 and "目前未获批准" in response.content.decode()
    # Approved again: the same code, never a new one (and never another visit's).
    services.visits_approve(actor=scjg_approver, task=scjg_task, visits=[approved_visit])
    assert code_of(approved_visit) == code and VisitCode.objects.count() == 1
    assert "目前未获批准" not in public.get(_public(code)).content.decode()


def test_a_cancelled_task_shows_on_the_public_page(approved_visit, scjg_task, scjg_admin, code_of, public):
    draws_services.task_cancel(actor=scjg_admin, task=scjg_task, reason="上级通知暂停")
    assert "任务已取消" in public.get(_public(code_of(approved_visit))).content.decode()


def test_the_public_page_shows_what_the_enterprise_needs_and_nothing_personal(
    approved_visit, scjg_task, code_of, public, scjg
):
    member = approved_visit.members.select_related("inspector").first().inspector
    member.phone = "13900002222"
    member.save(update_fields=["phone"])
    response = public.get(_public(code_of(approved_visit)))
    assert response.status_code == 200
    assert response["X-Robots-Tag"].startswith("noindex")
    page = response.content.decode()
    assert scjg.name in page  # the body
    assert scjg_task.code in page and scjg_task.title in page and scjg_task.get_kind_display() in page
    for version in scjg_task.items.all():
        assert version.name in page and version.legal_basis in page
    for m in approved_visit.members.select_related("inspector"):
        assert m.inspector.name in page and m.inspector.certificate_number in page
    assert "2026-03-01" in page and "2026-06-30" in page
    assert "13900002222" not in page  # no phone
    assert approved_visit.inspection_object.name in page
    assert "检查组尚未登记到场" in page and "登记到场后" in page  # no feedback form yet


@pytest.mark.parametrize(
    "typed",
    ["x", "ABCDEFGHJKLM", "0OIL0OIL0OIL", "é" * 12, "A" * 33, "A" * 5000, "%00", "..", "<script>", "１２３"],
)
def test_odd_codes_are_a_404_saying_the_code_is_invalid(db, public, typed):
    for response in (public.get(_public(typed)), public.get(reverse("portal:check_code_form"), {"code": typed})):
        assert response.status_code == 404
        page = response.content.decode()
        assert "检查码无效" in page and "<script>" not in page.split("<main")[1]


def test_a_code_typed_in_lower_case_with_hyphens_finds_its_visit(approved_visit, code_of, public):
    code = code_of(approved_visit)
    typed = check_codes.grouped(code).lower()
    response = public.get(reverse("portal:check_code_form"), {"code": f" {typed} "})
    assert response.status_code == 302 and response["Location"] == _public(code)
    response = public.get(_public(typed))
    assert response.status_code == 302 and response["Location"] == _public(code)
    assert public.get(reverse("portal:check_code_form")).status_code == 200


def test_the_visit_page_shows_the_code_and_its_qr(approved_visit, code_of, login, scjg_inspector, settings):
    code = code_of(approved_visit)
    url = reverse("inspections:visit_detail", args=[approved_visit.pk])
    page = login(scjg_inspector).get(url).content.decode()
    expected = f"http://testserver{_public(code)}"
    assert check_codes.grouped(code) in page and expected in page
    assert str(check_codes.qr_svg(expected)) in page  # the QR of exactly that address
    settings.SPOTCHECK_PUBLIC_BASE_URL = "https://gs.liyang.gov.cn"
    page = login(scjg_inspector).get(url).content.decode()
    assert str(check_codes.qr_svg(f"https://gs.liyang.gov.cn{_public(code)}")) in page


def test_no_code_before_approval(my_visit, login, scjg_inspector):
    page = login(scjg_inspector).get(reverse("inspections:visit_detail", args=[my_visit.pk])).content.decode()
    assert "<svg" not in page and "紧急先行检查已登记）后生成检查码" in page


def test_a_colliding_code_is_drawn_again(my_visit, scjg_task, scjg_approver, monkeypatch):
    other = scjg_task.visits.exclude(pk=my_visit.pk).first()
    VisitCode.objects.create(visit=other, code="ABCDEFGHJKLM", created_at=other.task.created_at)
    drawn = iter(["ABCDEFGHJKLM", "ZZZZZZZZZZZZ"])
    monkeypatch.setattr(check_codes, "new_code", lambda: next(drawn))
    services.visits_approve(actor=scjg_approver, task=scjg_task, visits=[my_visit])
    assert VisitCode.objects.get(visit=my_visit).code == "ZZZZZZZZZZZZ"


def test_the_data_migration_gives_codes_to_visits_approved_before(scjg_task, scjg_approver, my_visit, scjg_inspector):
    services.visits_approve(actor=scjg_approver, task=scjg_task)
    VisitCode.objects.all().delete()  # as before the codes existed
    migration = __import__(
        "spotcheck.inspections.migrations.0005_codes_for_visits_already_approved", fromlist=["issue_codes"]
    )
    migration.issue_codes(apps, None)
    assert VisitCode.objects.count() == scjg_task.visits.count()
    migration.issue_codes(apps, None)  # run again: nothing more
    assert VisitCode.objects.count() == scjg_task.visits.count()
