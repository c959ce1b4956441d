"""A visit's evidence through the REST API (issue 13, item 13): metadata only, withdrawn
pieces with their reason, the access-checked file URL — for the visit's readers; another
department gets a 404. Writes (apiw13): the team uploads (multipart, checked by content, the
size refused before the body is read), the uploader or the lead department's admin (a
read-write token too) withdraws with a reason."""

import hashlib

import pytest

from spotcheck.draws.models import Visit
from spotcheck.evidence import services
from spotcheck.inspections import services as inspections_services
from tests.api_i13.conftest import bearer
from tests.evidence.conftest import pdf_bytes, photo_bytes, upload

pytestmark = pytest.mark.usefixtures("spring_2026")


@pytest.fixture
def approved_visit(my_inspector, scjg_approver):
    visit = Visit.objects.filter(members__inspector=my_inspector).select_related("task").order_by("pk").first()
    inspections_services.visits_approve(actor=scjg_approver, task=visit.task, visits=[visit.pk])
    return visit


@pytest.fixture
def item_of(approved_visit):
    return approved_visit.task.items.select_related("item").first()


@pytest.fixture
def pieces(scjg_inspector, approved_visit, item_of):
    photo = photo_bytes()
    first = services.evidence_upload(
        actor=scjg_inspector, visit=approved_visit, file=upload(photo), item_version=item_of
    )
    second = services.evidence_upload(
        actor=scjg_inspector, visit=approved_visit, file=upload(pdf_bytes(), "记录.pdf", "application/pdf")
    )
    services.evidence_withdraw(actor=scjg_inspector, evidence=second, reason="传错了文件")
    return first, second, photo


def url(visit):
    return f"/api/v1/visits/{visit.pk}/evidence/"


def test_the_team_reads_the_metadata(login, scjg_inspector, approved_visit, item_of, pieces):
    first, _second, photo = pieces
    client = login(scjg_inspector)
    body = client.get(url(approved_visit)).json()
    assert body["count"] == 2
    one, two = body["results"]
    assert one["id"] == first.pk and one["item"] == item_of.item.code and one["kind"] == first.kind
    assert one["sha256"] == hashlib.sha256(photo).hexdigest() and one["size"] == len(photo)
    assert one["name"] == "现场照片.jpg" and one["withdrawn"] is False and one["uploaded_by"]
    assert two["item"] is None and two["withdrawn"] is True and two["withdraw_reason"] == "传错了文件"
    # The file URL is the page's access-checked view.
    assert one["file_url"].endswith(f"/evidence/{first.pk}/file/")
    assert client.get(one["file_url"]).status_code == 200


@pytest.mark.parametrize("persona", ["scjg_admin", "auditor"])
def test_the_visits_readers_read_it(request, login, approved_visit, pieces, persona):
    assert login(request.getfixturevalue(persona)).get(url(approved_visit)).json()["count"] == 2


@pytest.mark.parametrize("persona", ["wsjk_admin", "witness", "nobody"])
def test_others_get_a_404(request, login, approved_visit, pieces, persona):
    response = login(request.getfixturevalue(persona)).get(url(approved_visit))
    assert response.status_code == 404 and "现场照片" not in response.content.decode()


def test_a_departments_system_reads_it_and_another_gets_a_404(client, approved_visit, pieces, scjg_system, wsjk_system):
    assert client.get(url(approved_visit), **bearer(scjg_system.secret)).json()["count"] == 2
    assert client.get(url(approved_visit), **bearer(wsjk_system.secret)).status_code == 404
