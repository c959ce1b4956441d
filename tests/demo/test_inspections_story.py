"""The demo region shows the inspections' life (issue 13, item 14): after the load, visits are
approved, checked in, entered, confirmed and corrected; a photo, an enterprise's rating and
follow-ups open, overdue and closed exist; 我的检查 of the demo inspector is not empty; the
audit trail still reads in time order."""

import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from spotcheck.accounts.models import User
from spotcheck.audit.models import AuditEntry
from spotcheck.evidence.models import Evidence
from spotcheck.followups.models import FollowUp
from spotcheck.followups.selectors import overdue_q
from spotcheck.inspections.models import VisitApproval, VisitCheckIn, VisitFeedback
from spotcheck.results.models import ResultRevision, VisitResult

pytestmark = pytest.mark.django_db


def test_every_state_of_an_inspection_exists(demo):
    counts = demo.counts
    # The story's approvals and the portal story's (demo14).
    assert counts["visits_approved"] + counts["portal_visits_approved"] == VisitApproval.objects.count() > 0
    assert counts["visits_checked_in"] == VisitCheckIn.objects.count() >= 5
    assert VisitResult.objects.filter(status=VisitResult.Status.ENTERED).count() == 1
    assert VisitResult.objects.filter(status=VisitResult.Status.CONFIRMED).count() >= 4
    # The story's correction before publication (the portal's, after it: test_portal).
    correction = ResultRevision.objects.get(is_correction=True, visit_result__publications__isnull=True)
    assert correction.reason and correction.visit_result.status == VisitResult.Status.CONFIRMED
    photo = Evidence.objects.get()
    assert photo.content_type == "image/jpeg"
    assert VisitFeedback.objects.get().rating == 5
    today = timezone.localdate()
    open_rows = FollowUp.objects.filter(status=FollowUp.Status.OPEN)
    assert open_rows.filter(due_on__lt=today).count() == 1
    assert open_rows.filter(due_on__gte=today).count() == 1
    assert FollowUp.objects.filter(status=FollowUp.Status.CLOSED).count() == 1


def test_the_demo_inspector_has_visits(demo, client):
    user = User.objects.get(username="scjg_inspector")
    assert user.inspector_profile.visit_slots.exists()
    client.force_login(user)
    page = client.get(reverse("inspections:my_visits"))
    assert page.status_code == 200
    assert len(page.context["visits"]) > 0


def test_the_overdue_followup_is_overdue_on_the_load_day(demo):
    overdue = FollowUp.objects.filter(overdue_q())
    assert overdue.count() == 1
    assert overdue.get().kind == FollowUp.Kind.RECTIFY


def test_the_audit_trail_still_reads_in_time_order(demo):
    times = list(AuditEntry.objects.order_by("seq").values_list("created_at", flat=True))
    assert all(a <= b for a, b in itertools.pairwise(times))
    assert times[-1] <= timezone.now()
    # The story's correction and the portal's correction of a published result (demo14).
    assert AuditEntry.objects.filter(action="results.result.correct").count() == 2
