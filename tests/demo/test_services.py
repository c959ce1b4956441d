"""The demo load (needs the reference-data migrations of directory and inspectors)."""

from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.http import HttpRequest
from stdnum.cn import uscc as stdnum_uscc

from spotcheck.accounts.models import Membership, Region
from spotcheck.audit.models import AuditEntry
from spotcheck.audit.services import first_chain_break
from spotcheck.catalog.models import FilingEvent, InspectionItem, ItemVersion
from spotcheck.core.models import CodeCounter
from spotcheck.demo.data.catalogue import ITEMS
from spotcheck.demo.data.geography import TOWNS
from spotcheck.demo.references import DemoDataError
from spotcheck.directory.models import (
    InspectionObject,
    LevelChange,
    LicenceKind,
    ObjectLicence,
    Penalty,
    Tag,
)
from spotcheck.directory.object_filter import objects_in_scope
from spotcheck.inspectors.models import Inspector, Qualification, Recusal
from tests.factories import DEMO_ANCHOR, load_demo

pytestmark = pytest.mark.django_db


def _fingerprint():
    objects = list(
        InspectionObject.objects.order_by("id").values_list(
            "public_code", "name", "legal_representative", "address", "kind", "credit_level", "risk_level"
        )
    )
    tags = sorted(InspectionObject.tags.through.objects.values_list("inspectionobject__public_code", "tag__code"))
    related = (
        sorted(
            InspectionObject.supervising_departments.through.objects.values_list(
                "inspectionobject__public_code", "department__code"
            )
        ),
        sorted(
            ObjectLicence.objects.values_list("inspection_object__public_code", "kind__code", "number", "valid_until")
        ),
        sorted(Penalty.objects.values_list("inspection_object__public_code", "decision_number", "decided_on")),
        sorted(LevelChange.objects.values_list("inspection_object__public_code", "field", "old_value", "new_value")),
    )
    inspectors = list(Inspector.objects.order_by("id").values_list("code", "name", "certificate_expires_on"))
    users = sorted(Membership.objects.values_list("user__username", "user__full_name", "role", "department__code"))
    return objects, tags, inspectors, users, related


def _load_and_forget(**kwargs):
    with transaction.atomic():
        load_demo(**kwargs)
        fingerprint = _fingerprint()
        transaction.set_rollback(True)
    return fingerprint


def test_same_seed_same_data_other_seed_other_data():
    first = _load_and_forget(seed="a")
    again = _load_and_forget(seed="a", batch_size=7)  # batching does not change the stream
    other = _load_and_forget(seed="b")
    assert first == again
    assert len(first[0]) == 300 and len(first[2]) == 30
    assert first[0] != other[0] and first[2] != other[2]
    names_a = {row[1] for row in first[0]}
    names_b = {row[1] for row in other[0]}
    assert len(names_a & names_b) < 30
    assert not {row[0] for row in first[0]} & {row[0] for row in other[0] if not row[0][0].isalpha()}


@pytest.mark.postgres_only
def test_copy_writer_writes_what_bulk_create_writes():
    if connection.vendor != "postgresql":
        pytest.skip("COPY needs PostgreSQL")
    copied = _load_and_forget(seed="w", use_copy=True)
    bulk = _load_and_forget(seed="w", use_copy=False)
    assert copied == bulk
    assert all(copied[4])  # licences, penalties and level changes were written


def test_every_uscc_validates_and_codes_are_unique(demo):
    rows = list(InspectionObject.objects.values_list("kind", "uscc", "public_code"))
    assert len({code for _, _, code in rows}) == len(rows) == 300
    with_uscc = [(kind, uscc, code) for kind, uscc, code in rows if kind in InspectionObject.KINDS_WITH_USCC]
    assert len(with_uscc) > 250
    for kind, uscc, code in with_uscc:
        assert stdnum_uscc.is_valid(uscc), uscc
        assert code == uscc
        assert uscc[0] == "9" and uscc[2:8] == "320481"
        assert uscc[1] == {"enterprise": "1", "individual": "2", "cooperative": "3"}[kind]
    others = [(kind, uscc, code) for kind, uscc, code in rows if kind not in InspectionObject.KINDS_WITH_USCC]
    for kind, uscc, code in others:
        assert uscc is None
        assert code[0] == {"product": "P", "project": "J", "behaviour": "B"}[kind]
        assert code[1:8] == "320481-"
    # The directory's counters continue after the demo's numbers.
    for letter in "PJB":
        used = [int(code[8:]) for _, _, code in others if code[0] == letter]
        counter = CodeCounter.objects.get(series=f"object:{letter}320481").last_value
        assert counter == max(used, default=0)


def test_every_object_is_in_a_town_of_liyang(demo):
    county = Region.objects.get(code="320481")
    assert county.name == "溧阳市" and county.parent.code == "320400" and county.parent.parent.code == "320000"
    towns = set(county.children.values_list("code", flat=True))
    assert towns == {t.code for t in TOWNS}
    assert all(len(code) == 9 for code in towns)
    regions = Counter(InspectionObject.objects.values_list("region__code", flat=True))
    assert set(regions) <= towns
    assert regions["320481001"] == max(regions.values())  # 溧城街道, the seat, has the most
    assert all(
        o.address.startswith("溧阳市" + o.region.name) for o in InspectionObject.objects.select_related("region")
    )


def test_distributions_are_plausible(db):
    load_demo(objects=2000, inspectors=10)
    objects = InspectionObject.objects
    kinds = Counter(objects.values_list("kind", flat=True))
    assert kinds["individual"] > kinds["enterprise"] > 10 * kinds["cooperative"] > 0
    assert 0 < kinds["product"] + kinds["project"] + kinds["behaviour"] < 0.06 * 2000
    credit = Counter(objects.values_list("credit_level", flat=True))
    assert credit["B"] > 0.5 * 2000 and credit["B"] > credit["A"] > credit["C"] > credit["D"] > 0
    risk = Counter(objects.values_list("risk_level", flat=True))
    assert risk["general"] > risk["low"] > risk["elevated"] > risk["high"] > 0
    status = Counter(objects.values_list("status", flat=True))
    assert status["active"] > 0.85 * 2000 and status["cancelled"] > 0
    assert 0 < objects.filter(in_abnormal_list=True).count() < 0.15 * 2000
    # Industries spread over many 大类, retail and catering the largest.
    industries = Counter(objects.values_list("industry__code", flat=True))
    assert len(industries) > 25
    assert [code for code, _ in industries.most_common(2)] == ["52", "62"]
    # Catering holds a 食品经营许可证 and is supervised by 市场监管 and 卫健.
    catering = objects.filter(industry__code="62", kind__in=["enterprise", "individual"])
    with_licence = catering.filter(licences__kind__code="food_business").distinct().count()
    assert with_licence > 0.8 * catering.count()
    for obj in catering.prefetch_related("supervising_departments")[:50]:
        assert {"SCJG", "WSJK"} <= {d.code for d in obj.supervising_departments.all()}
    assert objects.filter(penalties__isnull=False).exists()
    assert objects.filter(level_changes__isnull=False).exists()


def test_roster_is_realistic(db):
    load_demo(objects=200, inspectors=300)
    roster = Inspector.objects.all()
    assert roster.count() == 300
    per_department = Counter(roster.values_list("department__code", flat=True))
    assert per_department["SCJG"] == max(per_department.values())
    assert "SJ" not in per_department and len(per_department) == 18
    holders = roster.filter(kind__in=Inspector.KINDS_WITH_CERTIFICATE)
    numbers = list(holders.values_list("certificate_number", flat=True))
    assert len(set(numbers)) == len(numbers) and all(numbers)
    assert roster.exclude(kind__in=Inspector.KINDS_WITH_CERTIFICATE).exists()
    assert roster.filter(availability="transferred").count() == 1
    assert roster.filter(availability="on_leave").exists()
    assert 0.15 < holders.filter(can_lead=True).count() / holders.count() < 0.45
    assert holders.filter(certificate_expires_on__lt=DEMO_ANCHOR).exists()
    assert holders.filter(certificate_expires_on__gte=DEMO_ANCHOR).count() > 0.85 * holders.count()
    for inspector in holders.prefetch_related("qualifications", "jurisdictions").select_related("department", "user"):
        codes = {q.code for q in inspector.qualifications.all()}
        assert "general_enforcement" in codes and len(codes) >= 2
        assert inspector.jurisdictions.exists()
        assert inspector.user is not None
        assert inspector.user.memberships.filter(role="inspector", department=inspector.department).exists()
    scjg_fields = set(holders.filter(department__code="SCJG").values_list("qualifications__code", flat=True))
    assert {"food_safety", "special_equipment"} <= scjg_fields
    assert set(holders.filter(department__code="WSJK").values_list("qualifications__code", flat=True)) == {
        "general_enforcement",
        "health_supervision",
    }
    recusals = Recusal.objects.select_related("inspector")
    assert recusals.count() == 5
    assert all(r.is_active and r.inspector.kind in Inspector.KINDS_WITH_CERTIFICATE for r in recusals)


def test_items_have_checklists_and_filed_versions(demo):
    items = InspectionItem.objects.select_related("current_version", "department")
    assert items.count() == len(ITEMS) >= 80
    assert len({item.department.code for item in items}) == 18
    statuses = Counter(ItemVersion.objects.values_list("status", flat=True))
    assert set(statuses) == {"draft", "filing", "published", "returned", "superseded"}
    assert statuses["published"] > 0.85 * len(ITEMS)
    for item in items:
        versions = list(item.versions.order_by("number"))
        for version in versions:
            questions = list(version.questions.all())
            assert 3 <= len(questions) <= 8, item.code
            assert all(q.text and q.basis for q in questions)
            assert version.legal_basis.startswith("《") and version.implementing_body
            assert Decimal(0) < version.default_ratio <= Decimal(1)
            assert version.methods and version.required_qualifications.exists()
            assert version.filing_events.filter(action=FilingEvent.Action.CREATED).exists()
        accepted = [v for v in versions if v.status == "published"]
        if accepted:
            assert item.current_version == accepted[0]
            assert item.current_version.published_at and item.current_version.reviewed_by.username == "coordinator"
        else:
            assert item.current_version is None
        assert len([v for v in versions if v.is_open]) <= 1
    returned = ItemVersion.objects.filter(status="returned")
    assert all(v.review_note for v in returned)
    superseded = ItemVersion.objects.get(item__code="SCJG-001", number=1)
    assert superseded.status == "superseded"
    assert list(superseded.filing_events.values_list("action", flat=True)) == [
        "created",
        "submitted",
        "accepted",
        "superseded",
    ]
    catering = InspectionItem.objects.get(code="SCJG-002").current_version
    assert catering.joint_departments.filter(code="WSJK").exists()
    assert objects_in_scope(catering.scope).exists()


def test_load_writes_audit_entries_per_batch(db):
    load_demo(objects=250, inspectors=5, batch_size=100)
    entries = list(AuditEntry.objects.filter(action="demo.load").order_by("seq"))
    phases = [e.after["phase"] for e in entries]
    assert phases == ["setup", "objects", "objects", "objects", "done"]
    assert [e.after["objects"] for e in entries[1:4]] == [100, 100, 50]
    assert entries[-1].after["objects"] == 250 and entries[-1].after["inspectors"] == 5
    assert all(e.actor_label == "pytest" and e.target_repr == "溧阳市" for e in entries)
    assert first_chain_break() is None


def test_second_load_is_refused_and_if_empty_is_a_no_op(demo):
    before = InspectionObject.objects.count(), Inspector.objects.count(), AuditEntry.objects.count()
    with pytest.raises(DemoDataError, match="已经存在"):
        load_demo(objects=10, inspectors=1)
    result = load_demo(objects=10, inspectors=1, if_empty=True)
    assert result.skipped
    assert (InspectionObject.objects.count(), Inspector.objects.count(), AuditEntry.objects.count()) == before


def test_empty_reference_table_is_named(db):
    Qualification.objects.all().delete()
    with pytest.raises(DemoDataError, match=r"执法资格.*为空.*migrate"):
        load_demo()
    assert not Region.objects.filter(code="320481").exists()


def test_missing_reference_code_is_named(db):
    LicenceKind.objects.filter(code="food_business").delete()
    Tag.objects.filter(code="catering").delete()
    with pytest.raises(DemoDataError) as excinfo:
        load_demo()
    assert "food_business" in str(excinfo.value) and "catering" in str(excinfo.value)


def test_system_administrator_can_open_the_admin(client, db):
    from django.core.management import call_command

    from spotcheck.demo.accounts import DEMO_PASSWORD

    call_command("demo_data", objects=50, inspectors=10, verbosity=0)
    assert client.login(request=HttpRequest(), username="sysadmin", password=DEMO_PASSWORD)
    assert client.get("/admin/accounts/membership/").status_code == 200
    client.logout()
    assert client.login(request=HttpRequest(), username="scjg_admin", password=DEMO_PASSWORD)
    assert client.get("/admin/accounts/membership/").status_code == 302
