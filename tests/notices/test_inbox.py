"""The inbox (/notices/): a user's own notices, the unread count in the menu, marking read."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from spotcheck.audit.models import AuditEntry
from spotcheck.notices.models import Notice
from spotcheck.notices.services import NoticeDraft, notice_mark_read, notices_send

pytestmark = pytest.mark.django_db
INBOX = reverse("notices:inbox")


def send(user, key="k:1", link="/tasks/", title="检查将于 2026-06-30 截止"):
    return notices_send([NoticeDraft(user.pk, Notice.Kind.VISIT_WINDOW, key, title, "正文", link)])


def test_sending_is_idempotent_per_user_and_key(scjg_admin, wsjk_admin):
    assert len(send(scjg_admin)) == 1
    assert send(scjg_admin) == []
    assert len(send(wsjk_admin)) == 1  # same key, another user
    assert len(send(scjg_admin, key="k:2")) == 1
    assert Notice.objects.count() == 3


def test_the_inbox_shows_own_notices_and_the_menu_the_unread_count(login, scjg_admin, wsjk_admin):
    send(scjg_admin, title="市场监管的提醒")
    send(scjg_admin, key="k:2", title="第二条")
    send(wsjk_admin, title="卫健的提醒")
    client = login(scjg_admin)
    page = client.get(INBOX).content.decode()
    assert "市场监管的提醒" in page and "第二条" in page and "卫健的提醒" not in page
    assert 'data-unread-total="2"' in page
    # The menu asks for the count after the page loads (no page pays a query for it).
    assert f'data-src="{reverse("notices:unread")}"' in page
    assert 'data-unread="2"' in client.get(reverse("notices:unread")).content.decode()


def test_opening_a_notice_marks_it_read_and_follows_its_link(login, scjg_admin):
    [notice] = send(scjg_admin, link="/tasks/")
    client = login(scjg_admin)
    response = client.post(reverse("notices:open", args=[notice.pk]))
    assert response.status_code == 302 and response.url == "/tasks/"
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert AuditEntry.objects.filter(action="notices.notice.read").count() == 1
    client.post(reverse("notices:open", args=[notice.pk]))  # again: no second entry
    assert AuditEntry.objects.filter(action="notices.notice.read").count() == 1
    assert client.get(reverse("notices:unread")).content.decode().strip() == ""


def test_a_link_off_site_is_not_followed(login, scjg_admin):
    [notice] = send(scjg_admin, link="https://evil.example/")
    response = login(scjg_admin).post(reverse("notices:open", args=[notice.pk]))
    assert response.url == INBOX


def test_mark_all_read(login, scjg_admin, wsjk_admin):
    send(scjg_admin)
    send(scjg_admin, key="k:2")
    send(wsjk_admin)
    login(scjg_admin).post(reverse("notices:read_all"))
    assert Notice.objects.filter(user=scjg_admin, read_at__isnull=True).count() == 0
    assert Notice.objects.filter(user=wsjk_admin, read_at__isnull=True).count() == 1
    assert AuditEntry.objects.get(action="notices.notice.read_all").after == {"count": 2}
    assert Notice.objects.count() == 3  # read, never deleted


def test_another_users_notice_is_a_404_and_odd_ids_too(login, scjg_admin, wsjk_admin):
    [notice] = send(wsjk_admin)
    client = login(scjg_admin)
    for pk in (notice.pk, "abc", "99999999999999999999", "-1"):
        assert client.post(f"/notices/{pk}/open/").status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None
    with pytest.raises(PermissionDenied):
        notice_mark_read(actor=scjg_admin, notice=notice)
    assert client.get(reverse("notices:open", args=[notice.pk])).status_code == 405


def test_the_public_and_users_without_a_role_get_nothing(client, nobody, login):
    assert client.get(INBOX).status_code == 302
    assert client.post(reverse("notices:read_all")).status_code == 302
    assert login(nobody).get(INBOX).status_code == 404
    assert login(nobody).get(reverse("notices:unread")).status_code == 404


def test_the_inbox_pages(login, scjg_admin):
    for n in range(35):
        send(scjg_admin, key=f"k:{n}", title=f"提醒{n}")
    client = login(scjg_admin)
    assert client.get(INBOX).content.decode().count("data-notice=") == 30
    assert client.get(INBOX, {"page": 2}).content.decode().count("data-notice=") == 5
    assert client.get(INBOX, {"page": "x"}).status_code == 200
