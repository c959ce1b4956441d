import pytest

from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def sysadmin(scjg):
    """系统管理员 of the joint office's department: lifts lockouts, issues any API token."""
    user = UserFactory(username="sysadmin", full_name="系统管理员 吴运维")
    MembershipFactory(user=user, department=scjg, role="sysadmin")
    return user
