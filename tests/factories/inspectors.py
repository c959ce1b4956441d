"""The inspectors directory (执法检查人员): qualifications, inspectors, recusals."""

import datetime as dt

import factory
from django.utils import timezone

from spotcheck.inspectors.models import Inspector, Qualification, Recusal
from tests.factories.accounts import DepartmentFactory
from tests.factories.directory import InspectionObjectFactory


class QualificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Qualification
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"test_qual_{n}")
    name = factory.Sequence(lambda n: f"测试资格{n}")


class InspectorFactory(factory.django.DjangoModelFactory):
    """A civil servant whose 执法证 is valid for a year; the code is the certificate number."""

    class Meta:
        model = Inspector

    department = factory.SubFactory(DepartmentFactory)
    certificate_number = factory.Sequence(lambda n: f"32048120{n:06d}")
    code = factory.LazyAttribute(lambda o: o.certificate_number or f"TEST-{o.name}")
    name = factory.Sequence(lambda n: f"检查员{n}")
    kind = Inspector.Kind.CIVIL_SERVANT
    certificate_expires_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=365))


class RecusalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recusal

    inspector = factory.SubFactory(InspectorFactory)
    inspection_object = factory.SubFactory(InspectionObjectFactory)
    reason = "近亲属在该企业任职"
