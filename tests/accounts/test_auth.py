from django.contrib.auth.hashers import identify_hasher

from spotcheck.accounts.scope import scope_for
from spotcheck.audit.models import AuditEntry
from tests.factories import MembershipFactory, UserFactory


def test_passwords_are_hashed_with_argon2_in_production_settings(db, settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    user = UserFactory(username="argon")
    user.set_password("Correct-Horse-2026")
    user.save()
    assert identify_hasher(user.password).algorithm == "argon2"
    assert user.check_password("Correct-Horse-2026")


def test_login_page_is_chinese(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_login_failure_names_the_problem_in_chinese(client, scjg_admin):
    response = client.post("/accounts/login/", {"username": "scjg_admin", "password": "nope"})
    assert "用户名或密码不正确" in response.content.decode()


def test_login_then_logout(client, scjg_admin):
    response = client.post("/accounts/login/", {"username": "scjg_admin", "password": "Spotcheck-test-2026"})
    assert response.status_code == 302 and response["Location"] == "/work/"
    assert client.get("/work/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/work/")["Location"].startswith("/accounts/login/")


def test_password_change_is_audited(login, scjg_admin):
    client = login(scjg_admin)
    response = client.post(
        "/accounts/password/",
        {"old_password": "Spotcheck-test-2026", "new_password1": "Tianmu-Lake-88", "new_password2": "Tianmu-Lake-88"},
    )
    assert response.status_code == 302
    scjg_admin.refresh_from_db()
    assert scjg_admin.check_password("Tianmu-Lake-88")
    entry = AuditEntry.objects.get(action="accounts.user.set_password")
    assert entry.actor == scjg_admin and "password" not in (entry.after or {})


def test_home_requires_a_role(login, nobody, client):
    assert client.get("/work/")["Location"].startswith("/accounts/login/")
    assert login(nobody).get("/work/").status_code == 404


def test_home_shows_counts_for_staff(login, scjg_admin):
    body = login(scjg_admin).get("/work/").content.decode()
    assert "工作台" in body and "市场监管" in body


def test_scope_rules(scjg, wsjk, coordinator, scjg_admin, wsjk_admin, scjg_inspector, auditor, nobody):
    assert scope_for(coordinator).reads_all and scope_for(coordinator).writes_all
    assert scope_for(auditor).reads_all and not scope_for(auditor).can_write_anything
    admin = scope_for(scjg_admin)
    assert admin.can_write_department(scjg.pk) and not admin.can_read_department(wsjk.pk)
    inspector = scope_for(scjg_inspector)
    assert inspector.can_read_department(scjg.pk) and not inspector.can_write_department(scjg.pk)
    assert not scope_for(nobody).is_staff_member
    assert scope_for(auditor).can_audit and not scope_for(coordinator).can_audit


def test_inactive_membership_grants_nothing(scjg, db):
    user = UserFactory(username="former")
    MembershipFactory(user=user, department=scjg, role="dept_admin", is_active=False)
    assert not scope_for(user).is_staff_member


def test_roles_answer_the_audit_trails_permission(auditor, coordinator, scjg_admin, nobody):
    # The audit app asks Django's has_perm (it may not import accounts); the roles answer.
    assert auditor.has_perm("audit.view_auditentry")
    for user in (coordinator, scjg_admin, nobody):
        assert not user.has_perm("audit.view_auditentry")


def test_a_users_entries_are_filed_under_their_first_department(scjg_admin, scjg):
    from spotcheck.audit.services import audit_record

    entry = audit_record(actor=scjg_admin, action="test.action")
    assert scjg_admin.primary_department_id == scjg.pk and entry.department_id == scjg.pk
