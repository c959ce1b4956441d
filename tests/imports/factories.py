import factory
from stdnum.cn import uscc as stdnum_uscc

from spotcheck.directory.models import Industry, InspectionObject, LicenceKind, Tag
from spotcheck.inspectors.models import Inspector, Qualification
from tests.factories import DepartmentFactory, RegionFactory


def make_uscc(n: int) -> str:
    """A valid 统一社会信用代码 numbered ``n`` (county 320481)."""
    base = f"91320481{n:09d}"
    return base + stdnum_uscc.calc_check_digit(base)


class IndustryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Industry
        django_get_or_create = ("code",)

    code = "H"
    name = "住宿和餐饮业"
    level = "section"


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"TAG{n}")
    name = factory.Sequence(lambda n: f"标签{n}")


class LicenceKindFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LicenceKind
        django_get_or_create = ("code",)

    code = "food_business"
    name = "食品经营许可证"


class QualificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Qualification
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"Q{n}")
    name = factory.Sequence(lambda n: f"资格{n}")


class InspectionObjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InspectionObject

    uscc = factory.Sequence(lambda n: make_uscc(900000 + n))
    public_code = factory.LazyAttribute(lambda o: o.uscc)
    name = factory.Sequence(lambda n: f"测试企业{n}")
    region = factory.SubFactory(RegionFactory, code="320481100", name="溧城街道", level="town")
    owner_department = factory.SubFactory(DepartmentFactory)


class InspectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspector

    code = factory.Sequence(lambda n: f"P{n:05d}")
    name = factory.Sequence(lambda n: f"检查员{n}")
    department = factory.SubFactory(DepartmentFactory)
