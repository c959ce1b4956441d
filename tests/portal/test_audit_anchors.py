"""The audit chain's anchors on the portal (issue 11, item 10): anyone can read and save them,
in the format verify_audit_chain --anchors reads."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from spotcheck.audit.anchors import anchor_publish
from spotcheck.audit.models import AuditAnchor
from spotcheck.audit.services import audit_record

pytestmark = pytest.mark.django_db


def _anchor_after(actor, n):
    for i in range(n):
        audit_record(actor=actor, action="test.event", after={"n": i})
    return anchor_publish().anchor


@pytest.fixture
def anchors(scjg_admin):
    return [_anchor_after(scjg_admin, 3), _anchor_after(scjg_admin, 2)]


def test_the_portal_lists_the_anchors_newest_first(public, anchors):
    page = public.get(reverse("portal:audit_anchors")).content.decode()
    older, newer = anchors
    assert older.entry_hash in page and newer.entry_hash in page
    assert page.index(newer.entry_hash) < page.index(older.entry_hash)
    assert "审计日志锚点" in page and reverse("portal:audit_anchor_file") in page
    assert reverse("audit:list") not in page  # no staff navigation
    index = public.get(reverse("portal:index")).content.decode()
    assert reverse("portal:audit_anchors") in index and "第 5 条" in index


def test_no_anchor_yet(public):
    page = public.get(reverse("portal:audit_anchors")).content.decode()
    assert "尚未公布锚点" in page
    assert public.get(reverse("portal:index")).status_code == 200


def test_the_download_is_the_anchors_file(public, anchors, settings):
    response = public.get(reverse("portal:audit_anchor_file"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert 'filename="audit-anchors.jsonl"' in response["Content-Disposition"]
    assert response.content == settings.SPOTCHECK_AUDIT_ANCHORS_FILE.read_bytes()
    lines = [json.loads(line) for line in response.content.decode().splitlines()]
    assert [(line["seq"], line["entry_hash"]) for line in lines] == [(a.seq, a.entry_hash) for a in anchors]


def test_a_saved_copy_checks_the_chain(public, anchors, tmp_path):
    saved = tmp_path / "saved.jsonl"
    saved.write_bytes(public.get(reverse("portal:audit_anchor_file")).content)
    out = io.StringIO()
    call_command("verify_audit_chain", "--anchors", str(saved), stdout=out)
    assert "与 2 个锚点一致" in out.getvalue()


def test_the_list_reads_a_page_in_a_pinned_number_of_queries(public, scjg_admin, django_assert_num_queries):
    for _ in range(3):
        _anchor_after(scjg_admin, 1)
    assert AuditAnchor.objects.count() == 3
    with django_assert_num_queries(2):  # the count and the page
        public.get(reverse("portal:audit_anchors"))
