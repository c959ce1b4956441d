import datetime as dt

import pytest
from django.http import QueryDict

from spotcheck.inspectors.filters import InspectorFilter
from spotcheck.inspectors.models import Inspector
from tests.factories import InspectorFactory, QualificationFactory

pytestmark = pytest.mark.django_db

Kind = Inspector.Kind


def run(query: str) -> list[str]:
    filterset = InspectorFilter(QueryDict(query), queryset=Inspector.objects.all())
    assert filterset.is_valid(), filterset.errors
    return sorted(filterset.qs.values_list("name", flat=True))


@pytest.fixture
def roster(scjg, wsjk, towns, county, today):
    d = dt.timedelta
    food = QualificationFactory(code="f_food", name="食品")
    a = InspectorFactory(department=scjg, name="甲", code="SC-A", can_lead=True)
    a.qualifications.set([food])
    a.jurisdictions.set([towns[0]])
    b = InspectorFactory(department=scjg, name="乙", code="SC-B", certificate_expires_on=today + d(10))
    b.jurisdictions.set([towns[1]])
    InspectorFactory(department=scjg, name="丙", code="SC-C", certificate_expires_on=today - d(1))
    InspectorFactory(
        department=wsjk,
        name="丁",
        code="WS-D",
        kind=Kind.EXTERNAL_EXPERT,
        certificate_number="",
        certificate_expires_on=None,
    )
    InspectorFactory(
        department=wsjk,
        name="戊",
        code="WS-E",
        availability=Inspector.Availability.ON_LEAVE,
        availability_from=today - d(1),
        availability_until=today + d(1),
    )
    InspectorFactory(department=scjg, name="己", code="SC-F", retired_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))


def test_no_filter_leaves_out_the_retired(roster):
    assert run("") == sorted(["甲", "乙", "丙", "丁", "戊"])
    assert run("include_retired=on") == sorted(["甲", "乙", "丙", "丁", "戊", "己"])


def test_text_matches_name_code_and_certificate(roster):
    assert run("q=乙") == ["乙"]
    assert run("q=ws-") == sorted(["丁", "戊"])
    number = Inspector.objects.get(name="丙").certificate_number
    assert run(f"q={number}") == ["丙"]


def test_department_kind_and_lead(roster):
    assert run("department=WSJK") == sorted(["丁", "戊"])
    assert run("kind=external_expert") == ["丁"]
    assert run("can_lead=true") == ["甲"]
    assert run("department=SCJG&can_lead=false") == sorted(["乙", "丙"])


def test_qualification_and_region(roster, towns):
    assert run("qualification=f_food") == ["甲"]
    assert run(f"region={towns[1].code}") == ["乙"]
    # A county covers its towns.
    assert run("region=320481") == sorted(["甲", "乙"])


def test_availability_and_matchable_on(roster, today):
    assert run("availability=on_leave") == ["戊"]
    assert run(f"matchable_on={today.isoformat()}") == sorted(["甲", "乙", "丁"])
    assert run(f"matchable_on={(today + dt.timedelta(days=2)).isoformat()}") == sorted(["甲", "乙", "丁", "戊"])


def test_certificate_expiry(roster):
    assert run("certificate_expires_within=30") == ["乙"]
    assert run("certificate_expires_within=5") == []
    assert run("certificate_expired=true") == ["丙"]
    assert run("certificate_expired=false") == sorted(["甲", "乙", "丁", "戊"])


def test_bad_values_are_reported():
    filterset = InspectorFilter(
        QueryDict("certificate_expires_within=-3&department=NOPE"), queryset=Inspector.objects.all()
    )
    assert not filterset.is_valid()
    assert set(filterset.errors) == {"certificate_expires_within", "department"}


def test_department_choices_follow_the_scope(rf, scjg_admin, coordinator, scjg, wsjk):
    request = rf.get("/inspectors/", {"department": "WSJK"})
    request.user = scjg_admin
    filterset = InspectorFilter(request.GET, queryset=Inspector.objects.all(), request=request)
    assert list(filterset.form.fields["department"].queryset) == [scjg]
    assert "department" in filterset.errors

    request.user = coordinator
    filterset = InspectorFilter(request.GET, queryset=Inspector.objects.all(), request=request)
    assert set(filterset.form.fields["department"].queryset) == {scjg, wsjk}
    assert filterset.is_valid()
