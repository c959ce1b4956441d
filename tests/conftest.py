"""Personas and base data shared by every test (see STYLE.md, "Test personas")."""

import datetime as dt

import pytest
from django.utils import translation

from tests.clock import clock_at
from tests.factories import DepartmentFactory, MembershipFactory, RegionFactory, UserFactory

# Fixtures that the tests of several apps use, and the real browser.
pytest_plugins = [
    "tests.browser_support",
    "tests.fixtures.directory",
    "tests.fixtures.planning",
    "tests.fixtures.draws",
    "tests.fixtures.inspections",
    "tests.fixtures.visits",
    "tests.fixtures.imports",
    "tests.fixtures.deadlines",  # i13-deadlines
    # 检查码, 到场登记, 企业评价/投诉 (i13-code)
    "tests.fixtures.on_site",
    # results (i13-results)
    "tests.fixtures.results",
    "tests.fixtures.followups",  # i13-followups
]


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SPOTCHECK_MEDIA_ROOT = settings.MEDIA_ROOT  # i13-evidence
    settings.SPOTCHECK_AUDIT_ANCHORS_FILE = tmp_path / "var" / "audit-anchors.jsonl"
    # Argon2 is the production hasher (tests/accounts checks it); a fast one keeps the suite quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Jobs run inline when their transaction commits (the worker's backend is the database).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # load14: a page's tests see the page's own work (its queries, a change made by the ORM
    # without an audit entry); tests/portal/test_page_cache.py turns the portal's cache on.
    settings.SPOTCHECK_PORTAL_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _empty_cache():
    """The API's throttles count requests in the default cache (in memory): every test starts
    with no requests counted."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """LocaleMiddleware activates a request's language for the rest of the thread and nothing
    deactivates it: start and end every test in the default language (zh-hans)."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _audit_triggers_around_flush(request):
    """Tests on a live server or real concurrent connections empty the database afterwards
    with a flush, which the audit table's append-only triggers refuse: lift them for the flush
    and put them back for the next test. (The flush also empties the reference tables that
    data migrations load, so such tests create the rows they need with factories; pytest-django
    runs them after all other tests.)"""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    if not (transactional or {"transactional_db", "live_server"} & set(request.fixturenames)):
        yield
        return
    # Set the database up first, so that its teardown (the flush) runs after ours.
    request.getfixturevalue("_django_db_helper")
    request.getfixturevalue("transactional_db")
    from django.db import connection

    from spotcheck.audit import triggers

    triggers.install(connection, triggers.TABLES)
    yield
    triggers.remove(connection, triggers.TABLES)


@pytest.fixture
def county(db):
    return RegionFactory(code="320481", name="溧阳市", level="county", parent=None)


@pytest.fixture
def towns(county):
    return [
        RegionFactory(code="320481100", name="溧城街道", level="town", parent=county),
        RegionFactory(code="320481101", name="埭头镇", level="town", parent=county),
        RegionFactory(code="320481102", name="天目湖镇", level="town", parent=county),
    ]


@pytest.fixture
def scjg(county):
    """市场监管局: hosts the 联席会议办公室."""
    return DepartmentFactory(
        code="SCJG", name="溧阳市市场监督管理局", short_name="市场监管", region=county, hosts_joint_office=True
    )


@pytest.fixture
def wsjk(county):
    return DepartmentFactory(code="WSJK", name="溧阳市卫生健康委员会", short_name="卫健", region=county)


def _persona(username, department, role, full_name):
    user = UserFactory(username=username, full_name=full_name)
    MembershipFactory(user=user, department=department, role=role)
    return user


@pytest.fixture
def coordinator(scjg):
    return _persona("coordinator", scjg, "coordinator", "联席办 周协调")


@pytest.fixture
def scjg_admin(scjg):
    return _persona("scjg_admin", scjg, "dept_admin", "市场监管 王管理")


@pytest.fixture
def wsjk_admin(wsjk):
    return _persona("wsjk_admin", wsjk, "dept_admin", "卫健 李管理")


@pytest.fixture
def scjg_inspector(scjg):
    return _persona("scjg_inspector", scjg, "inspector", "市场监管 张检查")


@pytest.fixture
def scjg_approver(scjg):
    return _persona("scjg_approver", scjg, "approver", "市场监管 赵领导")


@pytest.fixture
def witness(scjg):
    return _persona("witness", scjg, "witness", "见证人 钱见证")


@pytest.fixture
def auditor(scjg):
    return _persona("auditor", scjg, "auditor", "审计 孙审计")


@pytest.fixture
def nobody(db):
    """Logged in, but holds no role anywhere: must see nothing of the back office."""
    return UserFactory(username="nobody")


@pytest.fixture
def public(client):
    """An anonymous visitor (the public, an enterprise)."""
    client.logout()
    return client


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def spring_2026():
    """16 February 2026, before the windows of the draws tests' tasks (3-01 …): a merge is
    proposed and confirmed only while the tasks' common window is open."""
    with clock_at(dt.date(2026, 2, 16)):
        yield
