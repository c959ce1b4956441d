"""Privacy by construction (issue 14, item 7, quality bar): every URL a portal-only host answers
(from its URLconf, spotcheck/urls_portal.py: the portal's pages, the open data files and feeds,
the open data API) and every operation of the public API's schema is fetched over a region where
markers are seeded in every private field — a 个体工商户's operator, addresses, phones, officers'
phones, users' names, result notes, case numbers, drafts, an unconfirmed result, evidence, a
complaint, an enterprise's contact name. None may appear anywhere. A new public URL fails
``test_every_public_url_is_fetched`` until it is given its arguments below."""

import io
import re

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import URLResolver
from PIL import Image

from spotcheck import urls_portal
from spotcheck.draws.models import Visit
from spotcheck.evidence import services as evidence
from spotcheck.inspections import check_in, feedback
from spotcheck.inspections import services as inspections
from spotcheck.inspections.models import VisitCode
from spotcheck.publication.models import PublishedResult
from spotcheck.replies import services as replies
from spotcheck.results import services as result_services
from tests.fixtures.results import result_data
from tests.opendata.test_privacy import MARKERS, seeded  # noqa: F401 (the seeded region is a fixture)

pytestmark = pytest.mark.usefixtures("spring_2026")

MORE_MARKERS = ["MARKER-UNCONFIRMED-NOTE", "MARKER-EVIDENCE-CAPTION", "MARKER-COMPLAINT", "MARKER-CONTACT"]
# The 检查码 page exists to show the officers' names and certificate numbers to the enterprise
# (issue 13, item 3): there, and only there, the inspectors' names are expected.
OFFICER_NAMES = {"市场检查员"}


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route, ":".join(filter(None, [namespace, pattern.namespace])))
        else:
            yield (f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name), route


PUBLIC_URLS = dict(_walk(urls_portal.urlpatterns))


def _jpeg() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), "red").save(buffer, "JPEG")
    buffer.seek(0)
    buffer.name = "photo.jpg"
    return buffer


@pytest.fixture
def region(seeded, result_officers, scjg_approver, settings, tmp_path):  # noqa: F811
    """The seeded region, with more private things: another visit's unconfirmed result, a photo,
    a complaint about the visit, an enterprise's statement with a contact name; bulk files built."""
    settings.SPOTCHECK_BULK_ROOT = str(tmp_path / "opendata")
    visit = seeded
    first = result_officers[0]
    check_in.visit_check_in(actor=first, visit=visit)
    evidence.evidence_upload(actor=first, visit=visit, file=_jpeg(), caption="MARKER-EVIDENCE-CAPTION")
    feedback.visit_feedback_submit(visit=visit, rating=1, complaint="MARKER-COMPLAINT", client_ip="10.0.0.9")
    row = PublishedResult.objects.get(visit_result__visit=visit)
    code = VisitCode.objects.get(visit=visit).code
    replies.reply_submit(published=row, code=code, kind="statement", text="企业说明", contact_name="MARKER-CONTACT")
    # Another visit of the task on which the same officer is, its result entered, never confirmed.
    unconfirmed = (
        Visit.objects.filter(task=visit.task, members__inspector__user=first)
        .exclude(pk=visit.pk)
        .order_by("pk")
        .first()
    )
    assert unconfirmed is not None
    inspections.visits_approve(actor=scjg_approver, task=visit.task, visits=[unconfirmed])
    result_services.result_save(
        actor=first,
        visit=unconfirmed,
        data=result_data(unconfirmed, note="MARKER-UNCONFIRMED-NOTE"),
        base_revision=None,
    )
    call_command("build_bulk_files", stdout=io.StringIO(), stderr=io.StringIO())
    return {"visit": visit, "row": row, "code": code, "unconfirmed": unconfirmed}


def _arguments(region) -> dict[str, list[str]]:
    """Paths to fetch for each public URL name (several where a filter or page matters)."""
    visit, row, code = region["visit"], region["row"], region["code"]
    task, obj = visit.task, visit.inspection_object
    files = re.findall(r"/public/data/files/([^\"'<>]+)", _get("/public/data/"))
    return {
        "portal:index": ["/public/"],
        "portal_home": ["/"],
        "portal:plan_list": ["/public/plans/"],
        "portal:plan_detail": [],  # every plan of the list, below
        "portal:task_list": ["/public/tasks/"],
        "portal:task_detail": [f"/public/tasks/{task.code}/", f"/public/tasks/{task.code}/?q=五金店"],
        "portal:task_record": [f"/public/tasks/{task.code}/record.json"],
        "portal:verifier": ["/public/verify_draw.py"],
        "portal:audit_anchors": ["/public/audit-anchors/"],
        "portal:audit_anchor_file": ["/public/audit-anchors.jsonl"],
        "portal:check_code_form": ["/public/check/"],
        "portal:check_code": [f"/public/check/{code}/"],
        "portal:result_notice_list": ["/public/results/"],
        "portal:result_notice": [f"/public/results/{row.notice_id}/"],
        "portal:enterprise": [f"/public/enterprises/{obj.public_code}/"],
        "portal:verify": ["/public/verify/"],
        "portal:reply": [f"/public/results/published/{row.pk}/reply/"],
        "portal:reply_status": [f"/public/replies/status/?code={code}"],
        "portal:bulkdata:index": ["/public/data/"],
        "portal:bulkdata:dictionary": ["/public/data/dictionary/"],
        "portal:bulkdata:manifest": ["/public/data/manifest.json"],
        "portal:bulkdata:file": [f"/public/data/files/{name}" for name in sorted(set(files))],
        "portal:bulkdata:feed_notices": ["/public/feeds/notices.atom"],
        "portal:bulkdata:feed_department": [f"/public/feeds/departments/{task.lead_department.code}.atom"],
        "portal:bulkdata:feed_enterprise": [f"/public/feeds/enterprises/{obj.public_code}.atom"],
        "portal:search": ["/public/search/?q=五金店", "/public/search/?result=A"],
        "set_language": [],  # a POST that switches the language: no data
        "portal:language": ["/public/language/en/?next=/public/"],  # load14: the portal's switch, a redirect
        "favicon": ["/favicon.ico"],
        "opendata:schema": ["/public/api/v1/schema/?format=json"],
        "opendata:docs": ["/public/api/v1/docs/"],
        "opendata:codes": ["/public/api/v1/codes/"],
        "opendata:items": ["/public/api/v1/items/?page_size=200"],
        "opendata:item": [],  # every item of the list, below
        "opendata:plans": ["/public/api/v1/plans/"],
        "opendata:plan": [],  # every plan of the list, below
        "opendata:tasks": ["/public/api/v1/tasks/"],
        "opendata:task": [f"/public/api/v1/tasks/{task.code}/"],
        "opendata:task_record": [f"/public/api/v1/tasks/{task.code}/record/"],
        "opendata:results": ["/public/api/v1/results/", "/public/api/v1/results/?state=withdrawn"],
        "opendata:notices": ["/public/api/v1/notices/"],
        "opendata:enterprises": ["/public/api/v1/enterprises/?q=五金店"],
        "opendata:enterprise_results": [f"/public/api/v1/enterprises/{obj.public_code}/results/"],
    }


_CLIENT = None


def _get(path: str) -> str:
    response = _CLIENT.get(path, follow=True)
    assert response.status_code == 200, (path, response.status_code)
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode("utf-8-sig")


@override_settings(SPOTCHECK_OPENDATA_RATE="100000/minute")
def test_every_public_url_is_fetched_and_shows_nothing_private(region, client):
    global _CLIENT
    _CLIENT = client
    arguments = _arguments(region)
    assert set(PUBLIC_URLS) <= set(arguments), (
        f"give these public URLs their arguments: {set(PUBLIC_URLS) - set(arguments)}"
    )
    pages: dict[str, str] = {}
    for name, paths in arguments.items():
        for path in paths:
            pages[f"{name} {path}"] = _get(path)
    for row in _json(pages["opendata:items /public/api/v1/items/?page_size=200"])["results"]:
        path = f"/public/api/v1/items/{row['code']}/"
        pages[f"opendata:item {path}"] = _get(path)
    plans = _json(pages["opendata:plans /public/api/v1/plans/"])["results"]
    assert plans, "the seeded region has a published plan"
    for plan in plans:
        for name, path in (
            ("portal:plan_detail", f"/public/plans/{plan['id']}/"),
            ("opendata:plan", f"/public/api/v1/plans/{plan['id']}/"),
        ):
            pages[f"{name} {path}"] = _get(path)
    # The public schema's every operation was among the paths fetched.
    schema = _json(pages["opendata:schema /public/api/v1/schema/?format=json"])
    fetched = {key.split(" ", 1)[1].split("?")[0] for key in pages}
    for template in schema["paths"]:
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        assert any(re.match(pattern, path) for path in fetched), f"no fetch of the public operation {template}"
    assert any("/public/data/files/" in key for key in pages), "the bulk files were built and fetched"
    for key, text in pages.items():
        for marker in [*MARKERS, *MORE_MARKERS]:
            if key.startswith("portal:check_code ") and marker in OFFICER_NAMES:
                continue
            assert marker not in text, (marker, key)
    # The unconfirmed result never reached the portal: its object has no page of results.
    response = client.get(f"/public/enterprises/{region['unconfirmed'].inspection_object.public_code}/")
    assert response.status_code == 404


def _json(text: str):
    import json

    return json.loads(text)
