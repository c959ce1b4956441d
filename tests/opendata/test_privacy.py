"""Privacy by construction (issue 14, item 7) through the open data API: markers seeded in every
personal or internal field — a 个体工商户's operator, addresses, phone numbers, officers' and
witnesses' names, notes, case numbers, drafts — never appear in any answer of any endpoint,
list or detail, whatever the filters."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings

from spotcheck.directory.models import InspectionObject
from spotcheck.followups import services as followups
from spotcheck.inspectors.models import Inspector
from spotcheck.publication import services as publication
from tests.factories import make_item
from tests.opendata.conftest import API, confirm

pytestmark = pytest.mark.usefixtures("spring_2026")

OPERATOR = "隐私甲乙"
MARKERS = [
    OPERATOR,
    "MARKER-ADDRESS",
    "MARKER-OFFICER-PHONE",
    "MARKER-USER-PHONE",
    "MARKER-USER-NAME",
    "MARKER-NOTE",
    "MARKER-CASE",
    "MARKER-FOLLOWUP-NOTE",
    "MARKER-DRAFT-ITEM",
    "钱见证",  # the witnesses' names
    "孙见证",
    "市场检查员",  # the inspectors' names
]


@pytest.fixture
def seeded(result_officers, result_approved, scjg_admin, scjg, published_plan):
    visit = result_approved
    InspectionObject.objects.filter(pk=visit.inspection_object_id).update(
        kind=InspectionObject.Kind.INDIVIDUAL,
        name=f"溧阳市{OPERATOR}五金店",
        legal_representative=OPERATOR,
        address="MARKER-ADDRESS 燕山路 1 号",
    )
    Inspector.objects.filter(department=scjg).update(phone="MARKER-OFFICER-PHONE")
    get_user_model().objects.update(phone="MARKER-USER-PHONE")
    get_user_model().objects.filter(pk=result_officers[0].pk).update(full_name="MARKER-USER-NAME")
    result = confirm(result_officers, visit, codes=("A", "D"), note="MARKER-NOTE")
    followups.followup_open(
        actor=scjg_admin,
        item_result=result.items.get(),
        kind="refer",
        case_number="MARKER-CASE",
        note="MARKER-FOLLOWUP-NOTE",
    )
    make_item(actor=scjg_admin, department=scjg, code="SCJG-PRIV", name="MARKER-DRAFT-ITEM")
    publication.results_publish(actor=scjg_admin, task=visit.task)
    return visit


def _crawl(client, visit):
    """Every endpoint, its lists with filters, and every detail the lists link to."""
    task = visit.task
    code = visit.inspection_object.public_code
    paths = [
        "codes/",
        "schema/?format=json",
        "docs/",
        "docs/?script=",
        f"tasks/{task.code}/",
        f"tasks/{task.code}/record/",
        f"enterprises/{code}/results/",
        f"enterprises/{code}/results/?result=A",
        "results/?q=五金店",
        f"results/?q={OPERATOR}",
        "results/?result=A",
        "results/?state=current",
        "items/?page_size=200",
        "plans/",
        "tasks/",
        "results/",
        "notices/",
        "enterprises/?q=五金店",
        f"enterprises/?q={OPERATOR}",
    ]
    answers = {}
    for path in paths:
        response = client.get(API + path)
        assert response.status_code == 200, path
        answers[path] = response.content.decode()
    for row in json.loads(answers["items/?page_size=200"])["results"]:
        answers[row["code"]] = client.get(f"{API}items/{row['code']}/").content.decode()
    for row in json.loads(answers["plans/"])["results"]:
        answers[f"plan {row['id']}"] = client.get(f"{API}plans/{row['id']}/").content.decode()
    return answers


@override_settings(SPOTCHECK_OPENDATA_RATE="10000/minute")
def test_no_marker_in_any_answer(seeded, client):
    answers = _crawl(client, seeded)
    for path, text in answers.items():
        # JSON escapes nothing here (UTF-8 output), but check the escaped form too.
        for marker in MARKERS:
            assert marker not in text and json.dumps(marker)[1:-1] not in text, (marker, path)
    # The trade name is published, masked; the operator's name finds nothing.
    [row] = json.loads(answers["results/"])["results"]
    assert row["object"]["name"] == "溧阳市****五金店" and row["object"]["kind"]["code"] == "individual"
    assert json.loads(answers["results/?q=五金店"])["total"] == 1
    assert json.loads(answers[f"results/?q={OPERATOR}"])["total"] == 0
    assert json.loads(answers["enterprises/?q=五金店"])["total"] == 1
    assert json.loads(answers[f"enterprises/?q={OPERATOR}"])["total"] == 0
    # 后续处置 where public: its kind and state, not its case number or note.
    [followup] = row["followups"]
    assert followup["kind"] == {"code": "refer", "label": "移送办案机构"}
    assert followup["status"] == {"code": "open", "label": "处置中"} and followup["closed_on"] is None
