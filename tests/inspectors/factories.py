"""Factories of the inspectors directory (and the few inspection objects its tests need,
made straight through the ORM so these tests do not depend on the directory's services)."""

import datetime as dt

import factory
from django.utils import timezone
from stdnum.cn import uscc as stdnum_uscc

from spotcheck.directory.models import InspectionObject
from spotcheck.inspectors.models import Inspector, Qualification, Recusal
from tests.factories import DepartmentFactory, RegionFactory


def make_uscc(n: int) -> str:
    """A valid 统一社会信用代码: 9 (工商) 1 (企业) + 溧阳 region + a 9-character organisation code."""
    body = f"91320481{n:09d}"
    return body + stdnum_uscc.calc_check_digit(body)


class QualificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Qualification
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"test_qual_{n}")
    name = factory.Sequence(lambda n: f"测试资格{n}")


class InspectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspector

    department = factory.SubFactory(DepartmentFactory)
    certificate_number = factory.Sequence(lambda n: f"32048120{n:06d}")
    code = factory.LazyAttribute(lambda o: o.certificate_number or f"TEST-{o.name}")
    name = factory.Sequence(lambda n: f"检查员{n}")
    kind = Inspector.Kind.CIVIL_SERVANT
    certificate_expires_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=365))


class InspectionObjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InspectionObject

    uscc = factory.Sequence(make_uscc)
    public_code = factory.LazyAttribute(lambda o: o.uscc)
    name = factory.Sequence(lambda n: f"溧阳市测试商贸有限公司{n}")
    kind = InspectionObject.Kind.ENTERPRISE
    region = factory.SubFactory(RegionFactory)
    owner_department = factory.SubFactory(DepartmentFactory)


class RecusalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recusal

    inspector = factory.SubFactory(InspectorFactory)
    inspection_object = factory.SubFactory(InspectionObjectFactory)
    reason = "近亲属在该企业任职"
