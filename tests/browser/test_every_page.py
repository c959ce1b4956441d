"""Every page, whole on a phone and clean in the console (issue 12, quality bar).

Each role starts at its home page (staff at /work/, the anonymous public at the portal, /) and follows same-origin links
breadth-first; every page is loaded once, measured at 390 px and at 1280 px, and fails on sideways
scrolling, a console error or uncaught exception, or a 4xx/5xx answer for the page or anything
it loads. Pages are found, not listed: a new page linked from anywhere is covered.

A further check (e.g. of the visible text) is one more function in ``PAGE_CHECKS``.
"""

import re
from collections import deque
from collections.abc import Callable
from urllib.parse import parse_qsl, urldefrag, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser_support import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("spring_2026")]

WIDTHS = (390, 1280)
MAX_PAGES_PER_ROLE = 60
# Pages a role must reach (path prefixes): those only a link of its own leads to.
MUST_REACH = {"scjg_inspector": ("/inspections/mine/", "/inspections/visits/")}
# 检查码, 企业评价/投诉 (i13-code): the staff page of feedback, the public code form ("" = the public).
MUST_REACH |= {
    "coordinator": ("/inspections/feedback/",),
    "scjg_admin": ("/inspections/feedback/",),
    "": ("/public/check/",),
}
ROLES = ("coordinator", "scjg_admin", "scjg_inspector", "scjg_approver", "witness", "auditor")
# Not pages to look at: files, machine formats, the admin site (not part of the Chinese UI) and
# the API's own docs (a third-party viewer).
SKIPPED_SUFFIXES = (".xlsx", ".csv", ".json", ".py", ".pdf", ".zip", ".svg", ".ico", ".png")
SKIPPED_PREFIXES = ("/i18n/", "/accounts/logout/", "/admin/", "/static/", "/media/")


@pytest.fixture(autouse=True)
def _session_cookie_without_expiry(settings):
    # The server's clock is in February 2026 (spring_2026), the browser's is not: a cookie that
    # expires two weeks after the server's now would be dropped by the browser at once.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True


def _overflow(page, width: int) -> list[str]:
    sizes = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    if sizes[0] <= sizes[1]:
        return []
    widest = page.evaluate(
        """() => {
          const w = window.innerWidth; let worst = null;
          for (const el of document.body.querySelectorAll('*')) {
            const r = el.getBoundingClientRect();
            if (r.right > w + 1 && (!worst || r.right > worst[1])) worst = [el, r.right];
          }
          if (!worst) return '';
          const el = worst[0];
          const cls = typeof el.className === 'string' ? el.className.trim().split(/\\s+/).join('.') : '';
          return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (cls ? '.' + cls : '') +
                 ' → ' + Math.round(worst[1]) + 'px';
        }"""
    )
    return [f"scrolls sideways at {width} px: {sizes[0]} px wide (widest: {widest})"]


# What a person of the Chinese UI must never read: Django's empty choice, django-filter's sort
# suffixes, and codes (snake_case such as general_enforcement, draws.task.draw).
PLACEHOLDERS = ("---------", "(descending)", "(ascending)")
CODE = re.compile(r"(?<![\w./:@-])[a-z][a-z0-9]*(?:[_.][a-z0-9]+)*_[a-z0-9]+(?![\w./@-])")


def _visible_text(page, width: int) -> list[str]:
    """The page's text outside <code>/<kbd>/<pre> (commands and field names for technical
    readers, set apart as such); accounts' usernames are data, not codes."""
    if width != WIDTHS[-1]:  # the text is the same at every width
        return []
    text = page.evaluate(
        """() => { const body = document.body.cloneNode(true);
                   body.querySelectorAll('code, kbd, pre, script, style').forEach(e => e.remove());
                   document.documentElement.appendChild(body); const t = body.innerText; body.remove();
                   return t; }"""
    )
    found = [p for p in PLACEHOLDERS if p in text]
    found += [f"code {c!r}" for c in dict.fromkeys(CODE.findall(text)) if c not in _usernames()]
    return [f"shows {f}" for f in found]


def _usernames() -> set[str]:
    from spotcheck.accounts.models import User

    return set(User.objects.values_list("username", flat=True))


def _title(page, width: int) -> list[str]:
    """The window title is plain words: markup or template syntax there (a block closed in the
    wrong place) shows in the browser's tab and history."""
    if width != WIDTHS[-1]:
        return []
    title = page.title()
    if not title.strip():
        return ["has no title"]
    return [f"has markup in its title: {title[:80]!r}"] if re.search(r"[<>]|\{[%{]", title) else []


# One home for the per-page checks, each (page, width) → problems; the console and the network
# are watched for the whole visit instead (see _watch).
PAGE_CHECKS: list[Callable] = [_overflow, _visible_text, _title]


def _key(url: str) -> tuple[str, frozenset[str]]:
    """Links differing only in an id (/tasks/1/, /tasks/2/) or in their query's values (sorting,
    paging, a filter's value) show the same view with the same template: one of them is enough."""
    parts = urlsplit(url)
    return re.sub(r"\d+", "<n>", parts.path), frozenset(k for k, _ in parse_qsl(parts.query, keep_blank_values=True))


def _followable(url: str, origin: str) -> bool:
    if not url.startswith(origin + "/"):
        return False
    parts = urlsplit(url)
    # The export page is a page (its POST starts the export); a file comes from a link with
    # ``download`` (not followed) or is a download the crawl skips.
    return not (parts.path.startswith(SKIPPED_PREFIXES) or parts.path.lower().endswith(SKIPPED_SUFFIXES))


def _links(page) -> list[str]:
    # <a download> is a file; forms (POST or GET) are not followed.
    hrefs = page.eval_on_selector_all("a[href]:not([download])", "els => els.map(e => e.href)")
    return [urldefrag(h).url for h in hrefs]


def _watch(page, origin: str, problems: list[str]) -> None:
    page.on("console", lambda m: m.type == "error" and problems.append(f"console error: {m.text} ({m.location})"))
    page.on("pageerror", lambda e: problems.append(f"uncaught: {e}"))
    page.on(
        "response",
        lambda r: r.status >= 400 and problems.append(f"HTTP {r.status} for {r.url.removeprefix(origin)}"),
    )


def _crawl(context, origin: str, home: str) -> tuple[list[str], list[str]]:
    """Visits up to MAX_PAGES_PER_ROLE pages from ``home``; returns (visited, problems)."""
    page = context.pages[0] if context.pages else context.new_page()
    problems: list[str] = []
    current: list[str] = []
    _watch(page, origin, current)
    queue, seen, visited = deque([origin + home]), {_key(origin + home)}, []
    while queue and len(visited) < MAX_PAGES_PER_ROLE:
        url = queue.popleft()
        current.clear()
        page.set_viewport_size({"width": WIDTHS[0], "height": 800})
        try:
            response = page.goto(url, wait_until="load")
        except PlaywrightError as e:
            if "Download is starting" in str(e):  # a file behind a plain link: not a page
                continue
            raise
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        visited.append(url)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            for check in PAGE_CHECKS:
                current.extend(check(page, width))
        path = url.removeprefix(origin)
        problems.extend(f"{path}: {p}" for p in dict.fromkeys(current))
        for link in _links(page):
            if _followable(link, origin) and _key(link) not in seen:
                seen.add(_key(link))
                queue.append(link)
    return visited, problems


@pytest.fixture
def an_export(scjg_admin, obj):
    """A finished export of 市场监管's admin: its page and the 导入导出 page's record of it."""
    from spotcheck.imports.export_jobs import export_job_create, export_job_run

    return export_job_run(job_id=export_job_create(actor=scjg_admin, kind="objects", filters={}, fmt="xlsx").job.pk)


@pytest.fixture
def site_with_content(
    scjg_task, published_plan, obj, wsjk_admin, wsjk_inspectors, an_export, my_inspector, on_site_content
):
    """A drawn task (its visits, inspectors and targets; the inspector persona on some of its
    teams), a published plan, items and objects, an export: the pages have rows to lay out."""
    return scjg_task


def test_every_page_is_whole_on_a_phone_and_clean_in_the_console(_browser, live_server, request, site_with_content):
    origin = live_server.url
    report: list[str] = []
    counts: dict[str, int] = {}
    for role in (*ROLES, None):
        context = _browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
        try:
            page = context.new_page()
            page.set_default_timeout(15000)
            page.base_url = origin
            if role:
                log_in(page, request.getfixturevalue(role))
            visited, problems = _crawl(context, origin, "/work/" if role else "/")
        finally:
            context.close()
        counts[role or "public"] = len(visited)
        paths = [urlsplit(url).path for url in visited]
        report.extend(
            f"[{role}] did not reach {prefix}"
            for prefix in MUST_REACH.get(role or "", ())
            if not any(p.startswith(prefix) for p in paths)
        )
        report.extend(f"[{role or 'public'}] {p}" for p in problems)
    assert all(n >= 3 for n in counts.values()), f"too few pages reached: {counts}"
    assert not report, f"pages visited: {counts}\n" + "\n".join(report)
