import datetime as dt

import pytest
from django.utils import timezone

from spotcheck.inspectors.models import Qualification
from tests.factories import InspectionObjectFactory, InspectorFactory, MembershipFactory, RecusalFactory, UserFactory


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def food_safety(db):
    # Seeded by the reference data migration.
    return Qualification.objects.get(code="food_safety")


@pytest.fixture
def scjg_officer(scjg, towns, food_safety):
    inspector = InspectorFactory(
        department=scjg,
        name="张执法",
        certificate_number="32048120230001",
        code="32048120230001",
        certificate_expires_on=timezone.localdate() + dt.timedelta(days=400),
        can_lead=True,
    )
    inspector.qualifications.set([food_safety])
    inspector.jurisdictions.set([towns[0]])
    return inspector


@pytest.fixture
def wsjk_officer(wsjk):
    return InspectorFactory(department=wsjk, name="李卫监", certificate_number="32048150230001", code="32048150230001")


@pytest.fixture
def shop(scjg, towns):
    return InspectionObjectFactory(name="溧阳市天目湖食品有限公司", region=towns[2], owner_department=scjg)


@pytest.fixture
def scjg_recusal(scjg_officer, shop, scjg_admin):
    return RecusalFactory(inspector=scjg_officer, inspection_object=shop, created_by=scjg_admin)


@pytest.fixture
def wsjk_recusal(wsjk_officer, shop, wsjk_admin):
    return RecusalFactory(inspector=wsjk_officer, inspection_object=shop, created_by=wsjk_admin)


@pytest.fixture
def sysadmin(scjg):
    user = UserFactory(username="sysadmin", full_name="系统 管理员")
    MembershipFactory(user=user, department=scjg, role="sysadmin")
    return user
