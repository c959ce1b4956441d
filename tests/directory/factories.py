"""Factories for the inspection objects directory (other apps' tests may import them).

They build rows directly, for test set-up; code under test goes through the services.
"""

import factory
from stdnum.cn import uscc as stdnum_uscc

from spotcheck.directory.models import InspectionObject, LicenceKind, ObjectLicence, Tag
from tests.factories import DepartmentFactory, RegionFactory


def make_uscc(serial: int, head: str = "91320481") -> str:
    """A valid 统一社会信用代码: 91 (enterprise) + 320481 (溧阳市) + 'MA' + serial + check digit."""
    body = f"{head}MA{serial:07d}"
    return body + stdnum_uscc.calc_check_digit(body)


def default_town():
    county = RegionFactory(code="320481", name="溧阳市", level="county", parent=None)
    return RegionFactory(code="320481100", name="溧城街道", level="town", parent=county)


class InspectionObjectFactory(factory.django.DjangoModelFactory):
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
    uscc = factory.Sequence(make_uscc)
    public_code = factory.LazyAttribute(lambda o: o.uscc)
    name = factory.Sequence(lambda n: f"溧阳市测试商贸有限公司{n}")
    legal_representative = "张三"
    address = factory.Sequence(lambda n: f"溧阳市溧城街道测试路{n}号")
    region = factory.LazyFunction(default_town)
    owner_department = factory.SubFactory(
        DepartmentFactory, code="SCJG", name="溧阳市市场监督管理局", short_name="市场监管", hosts_joint_office=True
    )

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)

    @factory.post_generation
    def supervising_departments(self, create, extracted, **kwargs):
        if create and extracted:
            self.supervising_departments.set(extracted)


class ObjectLicenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ObjectLicence

    inspection_object = factory.SubFactory(InspectionObjectFactory)
    kind = factory.LazyFunction(lambda: LicenceKind.objects.get(code="food_business"))
    number = factory.Sequence(lambda n: f"JY1320481{n:07d}")


def tag(code: str) -> Tag:
    return Tag.objects.get(code=code)
