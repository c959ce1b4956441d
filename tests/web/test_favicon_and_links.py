"""Small things the every-page browser walk found (issue 12, item 10): /favicon.ico answers, both
layouts name the icon, and a plan page links to the task form only for whom it is open."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ICON = '<link rel="icon" href="/static/spotcheck/favicon.svg"'


def test_favicon_ico_leads_to_our_svg(public):
    response = public.get("/favicon.ico")
    assert response.status_code == 301
    icon = public.get(response["Location"])
    assert icon.status_code == 200
    assert b"<svg" in b"".join(icon.streaming_content)


def test_both_layouts_name_the_icon(public, login, coordinator):
    assert ICON in public.get(reverse("portal:index")).content.decode()
    assert ICON in login(coordinator).get(reverse("web:home")).content.decode()


def test_a_published_plan_offers_the_task_form_only_to_its_lead_department(
    login, published_plan, scjg_admin, scjg_inspector, witness
):
    page = reverse("planning:detail", args=[published_plan.pk])
    create = reverse("draws:create") + "?entry="
    assert create in login(scjg_admin).get(page).content.decode()
    for user in (scjg_inspector, witness):
        client = login(user)
        assert client.get(page).status_code == 200
        assert create not in client.get(page).content.decode(), user.username
