"""Regions, departments, users and their roles."""

import factory
from django.contrib.auth import get_user_model

from spotcheck.accounts.models import Department, Membership, Region

# Every user made here (and every persona of tests/conftest.py) logs in with it.
PASSWORD = "Spotcheck-test-2026"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"320481{n + 200:03d}")
    name = factory.Sequence(lambda n: f"测试镇{n}")
    level = "town"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"D{n:03d}")
    name = factory.Sequence(lambda n: f"测试部门{n}")
    short_name = factory.Sequence(lambda n: f"部门{n}")
    region = factory.SubFactory(RegionFactory, code="320481", name="溧阳市", level="county")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    department = factory.SubFactory(DepartmentFactory)
    role = Membership.Role.DEPT_ADMIN
