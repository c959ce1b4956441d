"""Issue 12, item 8: the Chinese UI shows no English or placeholder text in its selects —
no ``---------`` for "all", no ``(descending)`` sort labels, no 未知 where a yes/no filter
means 全部."""

import re

import pytest
from django.urls import reverse

FORBIDDEN = ("---------", "(descending)", "(ascending)")

STAFF_PAGES = [
    "directory:list",
    "directory:create",
    "inspectors:list",
    "inspectors:create",
    "inspectors:recusals",
    "catalog:list",
    "catalog:create",
    "catalog:filings",
    "planning:list",
    "planning:create",
    "draws:list",
    "draws:create",
    "audit:list",
    "imports:list",
    "inspections:merges",
    "web:home",
]
PORTAL_PAGES = ["portal:index", "portal:plan_list", "portal:task_list", "portal:audit_anchors"]


def _options(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", text).strip() for text in re.findall(r"<option[^>]*>(.*?)</option>", html, re.S)]


def _assert_clean(html: str, url: str) -> None:
    for text in FORBIDDEN:
        assert text not in html, f"{url} shows {text!r}"
    assert "未知" not in _options(html), f"{url} offers 未知 in a select"


@pytest.mark.parametrize("user_fixture", ["coordinator", "scjg_admin", "auditor"])
def test_staff_pages_show_no_placeholder_text(request, login, user_fixture, towns):
    client = login(request.getfixturevalue(user_fixture))
    for name in STAFF_PAGES:
        url = reverse(name)
        response = client.get(url)
        if response.status_code in (403, 404):
            continue
        assert response.status_code == 200, url
        _assert_clean(response.content.decode(), url)


# One term for each thing on the portal: 抽取记录 (not 摇号记录), 验证程序 (not 核验程序).
OTHER_TERMS = ("摇号记录", "核验程序")


def test_portal_pages_show_no_placeholder_text(db, public, towns, make_task, run_ceremony):
    task = run_ceremony(make_task())
    urls = [reverse(name) for name in PORTAL_PAGES] + [reverse("portal:task_detail", args=[task.code])]
    for url in urls:
        response = public.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        _assert_clean(html, url)
        for term in OTHER_TERMS:
            assert term not in html, f"{url} says {term}"
    assert "抽取记录" in html and "验证程序" in html


def test_object_list_offers_chinese_sorting_and_yes_no(login, coordinator, towns):
    html = login(coordinator).get(reverse("directory:list")).content.decode()
    options = _options(html)
    assert "编码（降序）" in options
    assert {"全部", "是", "否"} <= set(options)


def test_detail_and_edit_pages_show_no_placeholder_text(
    login, scjg_admin, obj, make_task, scjg_inspectors, draft_plan, food_item
):
    task = make_task()
    entry = draft_plan.entries.first()
    urls = [
        reverse("directory:detail", args=[obj.pk]),
        reverse("directory:edit", args=[obj.pk]),
        reverse("inspectors:detail", args=[scjg_inspectors[0].pk]),
        reverse("inspectors:edit", args=[scjg_inspectors[0].pk]),
        reverse("catalog:detail", args=[food_item.item_id]),  # food_item is the published version
        reverse("planning:detail", args=[draft_plan.pk]),
        reverse("planning:entry_create", args=[draft_plan.pk]),
        reverse("planning:entry_edit", args=[entry.pk]) if entry else None,
        reverse("draws:detail", args=[task.pk]),
        reverse("draws:edit", args=[task.pk]),
    ]
    client = login(scjg_admin)
    for url in filter(None, urls):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_clean(response.content.decode(), url)
