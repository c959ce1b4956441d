"""The objects directory (检查对象) and its code tables.

They build rows directly, for test set-up; code under test goes through the services. Code
tables use get_or_create, so they coexist with the reference data migrations (a factory call
with a code the migrations loaded returns that row)."""

import factory
from stdnum.cn import uscc as stdnum_uscc

from spotcheck.directory.models import Industry, InspectionObject, LicenceKind, ObjectLicence, Tag
from tests.factories.accounts import DepartmentFactory, RegionFactory

# The factory numbers its objects from here: a test's own make_uscc(1), make_uscc(21) … never
# meets one of them.
_SERIAL_BASE = 5_000_000


def make_uscc(serial: int, head: str = "91320481") -> str:
    """A valid 统一社会信用代码: 91 (enterprise) + 320481 (溧阳市) + 'MA' + serial + check digit."""
    body = f"{head}MA{serial:07d}"
    return body + stdnum_uscc.calc_check_digit(body)


def default_town():
    county = RegionFactory(code="320481", name="溧阳市", level="county", parent=None)
    return RegionFactory(code="320481100", name="溧城街道", level="town", parent=county)


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


def tag(code: str) -> Tag:
    """A tag the reference data migration loaded."""
    return Tag.objects.get(code=code)


class LicenceKindFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LicenceKind
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"test_licence_{n}")
    name = factory.Sequence(lambda n: f"测试许可{n}")


class InspectionObjectFactory(factory.django.DjangoModelFactory):
    """An active enterprise of 市场监管 in 溧城街道. ``tags``, ``supervising_departments`` and
    ``licences`` (licence kinds: one licence each) are set after it is saved."""

    class Meta:
        model = InspectionObject
        skip_postgeneration_save = True

    class Params:
        # Objects without a USCC carry a platform code like P320481-000123.
        product = factory.Trait(
            kind=InspectionObject.Kind.PRODUCT,
            uscc=None,
            public_code=factory.Sequence(lambda n: f"P320481-{n + 900000:06d}"),
        )

    kind = InspectionObject.Kind.ENTERPRISE
    uscc = factory.Sequence(lambda n: make_uscc(_SERIAL_BASE + n))
    public_code = factory.LazyAttribute(lambda o: o.uscc)
    name = factory.Sequence(lambda n: f"溧阳市测试商贸有限公司{n}")
    legal_representative = "张三"
    address = factory.Sequence(lambda n: f"溧阳市溧城街道测试路{n}号")
    region = factory.LazyFunction(default_town)
    owner_department = factory.SubFactory(
        DepartmentFactory, code="SCJG", name="溧阳市市场监督管理局", short_name="市场监管", hosts_joint_office=True
    )
    status = InspectionObject.Status.ACTIVE

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)

    @factory.post_generation
    def supervising_departments(self, create, extracted, **kwargs):
        if create and extracted:
            self.supervising_departments.set(extracted)

    @factory.post_generation
    def licences(self, create, extracted, **kwargs):
        if create and extracted:
            for n, kind in enumerate(extracted, start=1):
                ObjectLicence.objects.create(inspection_object=self, kind=kind, number=f"JY{self.pk:06d}{n}")


class ObjectLicenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ObjectLicence

    inspection_object = factory.SubFactory(InspectionObjectFactory)
    kind = factory.LazyFunction(lambda: LicenceKind.objects.get(code="food_business"))
    number = factory.Sequence(lambda n: f"JY1320481{n:07d}")
