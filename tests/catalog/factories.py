"""Factories of the item list's tests. Objects and qualifications are created directly with the
ORM here (their apps are built alongside); code tables use get_or_create so they coexist with
the reference data migrations."""

from decimal import Decimal

import factory
from stdnum.cn import uscc as stdnum_uscc

from spotcheck.accounts.models import Region
from spotcheck.catalog import services
from spotcheck.directory.models import Industry, InspectionObject, LicenceKind, ObjectLicence, Tag
from spotcheck.inspectors.models import Qualification
from tests.factories import DepartmentFactory


class IndustryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Industry
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"Z{n}")
    name = factory.Sequence(lambda n: f"测试行业{n}")
    level = Industry.Level.SECTION


def section(code: str, name: str) -> Industry:
    return IndustryFactory(code=code, name=name, level=Industry.Level.SECTION, parent=None)


def division(code: str, name: str, parent: Industry) -> Industry:
    return IndustryFactory(code=code, name=name, level=Industry.Level.DIVISION, parent=parent)


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"test_tag_{n}")
    name = factory.Sequence(lambda n: f"测试标注{n}")


class LicenceKindFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LicenceKind
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"test_licence_{n}")
    name = factory.Sequence(lambda n: f"测试许可{n}")


class QualificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Qualification
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"Q{n:03d}")
    name = factory.Sequence(lambda n: f"测试资格{n}")


def make_uscc(n: int) -> str:
    """A valid 统一社会信用代码: 91 + 320481 + a 9-character body + the computed check digit."""
    body = f"91320481{n:09d}"
    return body + stdnum_uscc.calc_check_digit(body)


class InspectionObjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InspectionObject
        skip_postgeneration_save = True

    uscc = factory.Sequence(make_uscc)
    public_code = factory.LazyAttribute(lambda o: o.uscc)
    name = factory.Sequence(lambda n: f"溧阳市测试商贸有限公司{n}")
    kind = InspectionObject.Kind.ENTERPRISE
    region = factory.LazyFunction(
        lambda: Region.objects.get_or_create(code="320481", defaults={"name": "溧阳市", "level": "county"})[0]
    )
    owner_department = factory.SubFactory(DepartmentFactory, code="SCJG", short_name="市场监管")
    status = InspectionObject.Status.ACTIVE

    @factory.post_generation
    def tags(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.tags.set(extracted)

    @factory.post_generation
    def licences(obj, create, extracted, **kwargs):
        if create and extracted:
            for n, kind in enumerate(extracted, start=1):
                ObjectLicence.objects.create(inspection_object=obj, kind=kind, number=f"JY{obj.pk:06d}{n}")


def item_kwargs(**overrides):
    """Valid arguments of services.item_create (actor and department excluded)."""
    data = {
        "code": "SCJG-001",
        "name": "食品经营者食品安全监督检查",
        "legal_basis": "《中华人民共和国食品安全法》第一百一十条",
        "implementing_body": "溧阳市市场监督管理局",
        "default_ratio": Decimal("0.05"),
        "methods": ["on_site"],
        "category": "general",
        "inspection_content": "经营条件、进货查验、贮存条件",
        "checklist": [
            {"text": "是否取得有效的食品经营许可证", "basis": "《食品安全法》第三十五条"},
            {"text": "是否建立进货查验记录制度", "basis": ""},
        ],
    }
    data.update(overrides)
    return data


def make_item(*, actor, department, **overrides):
    return services.item_create(actor=actor, department=department, **item_kwargs(**overrides))


def publish(item, *, actor, coordinator):
    """File and accept the item's open version; returns it (now current)."""
    version = item.versions.get(status__in=["draft", "returned"])
    services.version_submit(actor=actor, version=version)
    return services.version_accept(actor=coordinator, version=version)
