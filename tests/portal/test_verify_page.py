"""The portal's in-browser verifier (issue 14, item 5; verify14): the page that verifies any record
and the task page's box, as the server renders them. The verifying itself is run in Chromium in
tests/browser/test_verify_in_browser.py."""

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from spotcheck.draws.models import Task

pytestmark = pytest.mark.django_db

SCRIPTS = ("portal/verify/sha256.js", "portal/verify/verify_draw.js", "portal/verify/verify_page.js")


def test_verify_page_without_login(public, settings):
    settings.SPOTCHECK_VERIFY_IN_BROWSER_MAX_BYTES = 8 * 1024 * 1024
    response = public.get(reverse("portal:verify"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "验证抽取记录" in page and 'type="file"' in page and "<textarea" in page
    assert 'data-max-bytes="8388608"' in page and "不超过 8 MB" in page
    for script in SCRIPTS:
        assert f"/static/{script}" in page
        assert finders.find(script), script  # served by the platform, no CDN
    assert "<script>" not in page  # the CSP allows no inline script
    assert reverse("portal:verifier") in page  # the downloadable verifier stays
    assert reverse("portal:verify") in public.get(reverse("portal:index")).content.decode()


def test_verify_page_sends_the_strict_csp(public):
    csp = public.get(reverse("portal:verify"))["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-eval" not in csp and "unsafe-inline" not in csp


def test_verify_page_refuses_post(public):
    assert public.post(reverse("portal:verify"), {"record": "{}"}).status_code == 405


def test_task_page_offers_verify_in_browser_once_the_list_is_public(public, make_task, run_ceremony):
    task = run_ceremony(make_task())
    page = public.get(reverse("portal:task_detail", args=[task.code])).content.decode()
    assert f'data-record-url="{reverse("portal:task_record", args=[task.code])}"' in page
    assert "在浏览器中验证" in page and "python3 verify_draw.py" in page


def test_task_page_has_no_verify_box_before_the_list_is_public(public, make_task, run_ceremony):
    announced = run_ceremony(make_task(), draw=False)
    hidden = run_ceremony(make_task(list_publication=Task.ListPublication.AFTER_VISITS))
    for task in (announced, hidden):
        page = public.get(reverse("portal:task_detail", args=[task.code])).content.decode()
        assert "data-record-url" not in page and "data-verify-fetch" not in page
