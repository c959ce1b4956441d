"""The password policy (issue 11, item 9): at least 10 characters, Django's validators, and no
password that contains the user's own name (username, full name, the full name's pinyin) or the
region's name (溧阳市 / liyangshi); the messages are Chinese; the demo's password still passes."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from spotcheck.accounts.models import User
from spotcheck.demo.accounts import DEMO_PASSWORD
from spotcheck.demo.services import DEFAULT_SEED
from tests.clock import clock_at
from tests.factories import DEMO_ANCHOR, UserFactory, load_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def zhang(county):
    return UserFactory(username="zhangwei", full_name="张伟明")


def _errors(password, user=None):
    try:
        validate_password(password, user)
    except ValidationError as error:
        return error.messages
    return []


def test_ten_characters_at_least(zhang):
    [message] = _errors("Qx7#kd!mz", zhang)  # nine
    assert "10" in message and "密码" in message
    assert _errors("Qx7#kd!mzp", zhang) == []


def test_common_and_numeric_passwords_are_refused(zhang):
    assert _errors("password123", zhang)
    assert _errors("83920174561", zhang)


@pytest.mark.parametrize(
    "password",
    ["Zhangwei-2026!", "my-ZHANGWEI-key", "张伟明的密码2026", "zhangweiming#88", "Weiming-2026-x"],
)
def test_the_users_name_is_refused(zhang, password):
    messages = _errors(password, zhang)
    assert any("姓名" in m or "用户名" in m for m in messages), messages


@pytest.mark.parametrize("password", ["溧阳市-Spot-2026", "Liyangshi@2026", "x320481-Qz-k"])
def test_the_regions_name_is_refused(county, zhang, password):
    messages = _errors(password, zhang)
    assert any("区划" in m for m in messages), messages


def test_a_user_not_yet_saved_is_checked_by_the_given_names(county):
    user = UserFactory.build(username="lina", full_name="李娜")
    assert any("姓名" in m or "用户名" in m for m in _errors("Lina-Secret-2026", user))


def test_the_demo_password_passes_for_every_demo_user():
    # The demo as `manage.py demo_data` loads it (its seed, its 300 inspectors; fewer objects):
    # region 溧阳市, users with drawn Chinese names. "Liyang" is not the region's whole name.
    with clock_at(DEMO_ANCHOR):
        load_demo(objects=60, inspectors=300, seed=str(DEFAULT_SEED))
    users = list(User.objects.all())
    assert len(users) > 50
    refused = {user.username: _errors(DEMO_PASSWORD, user) for user in users}
    assert {name: errors for name, errors in refused.items() if errors} == {}


def test_changing_ones_password_to_a_short_one_is_refused_in_chinese(login, scjg_admin):
    client = login(scjg_admin)
    response = client.post(
        "/accounts/password/",
        {"old_password": "Spotcheck-test-2026", "new_password1": "Short-1x", "new_password2": "Short-1x"},
    )
    assert response.status_code == 200
    assert "10" in response.content.decode() and "密码" in response.content.decode()
    scjg_admin.refresh_from_db()
    assert scjg_admin.check_password("Spotcheck-test-2026")
