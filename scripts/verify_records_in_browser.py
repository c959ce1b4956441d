"""Verify every draw record of a database in Chromium with the portal's own verifier
(spotcheck/portal/static/portal/verify/: sha256.js and verify_draw.js, as a visitor's browser
runs them) and with verify_draw.py, and print per record whether each passed and whether the two
agree (verdict, every reason in English and in Chinese, the "teams not checked" note). A script
a person runs (gaps14; issue 14, item 5's quality bar), e.g. over a full demo:

    DATABASE_URL=sqlite:////tmp/demo.sqlite3 .venv/bin/python manage.py migrate
    DATABASE_URL=sqlite:////tmp/demo.sqlite3 .venv/bin/python manage.py demo_data --objects 20000 --inspectors 300
    DATABASE_URL=sqlite:////tmp/demo.sqlite3 .venv/bin/python scripts/verify_records_in_browser.py

The records: each drawn task's full record (with the exclusions: what staff and auditors
download) and, where its list is public, the public copy the portal serves (without them),
serialised as the portal's record.json is. ``--kinds`` also prints what kinds of record there
are (``record_kinds``: redraws, strata drawn whole or empty, joint teams …), to compare a small
load with a full one. Exit status 0 when every record agrees (and passes), else 1.

Needs Chromium (``--chromium``, default /usr/bin/chromium) and the playwright package, as the
browser tests do.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "spotcheck" / "portal" / "static" / "portal" / "verify"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
JUDGE = """text => {
  const v = SpotcheckVerify.judge({text: text});
  return v.verdict === "unreadable" ? {verdict: v.verdict}
    : {verdict: v.verdict, reasons: v.reasons, zh: v.zh, unchecked: v.unchecked};
}"""


@dataclass(frozen=True)
class Record:
    task: str
    copy: str  # "full" or "public"
    text: str
    kinds: frozenset[str]


def record_kinds(task, record: dict) -> frozenset[str]:
    """What kind of record this is, in the terms the verifier's paths differ by."""
    data = record["input"]
    strata, slots = data["strata"], data["match"]["slots"]
    kinds = {"full" if "exclusions" in record else "public", f"task:{task.kind}"}
    if task.replaces_id:
        kinds.add("redraw")
    if task.status == task.Status.CANCELLED:
        kinds.add("cancelled (replaced by a redraw)")
    kinds.add("one stratum" if len(strata) == 1 else "several strata")
    for stratum in strata:
        if stratum["count"] == 0:
            kinds.add("empty stratum")
        if str(stratum["ratio"]) == "1" and stratum["max"] is None and stratum["count"]:
            kinds.add("stratum drawn whole")
        if stratum["min"] is not None:
            kinds.add("stratum minimum")
        if stratum["max"] is not None:
            kinds.add("stratum maximum")
    kinds.add(f"slots:{len(slots)}" if slots else "no slots")
    if len({slot["dept"] for slot in slots}) > 1:
        kinds.add("team of two departments")
    if any(slot["quals"] for slot in slots):
        kinds.add("slot with qualifications")
    if record.get("exclusions"):
        kinds.add("exclusions (回避)")
    if not record["result"]["targets"]:
        kinds.add("no targets")
    if record["result"].get("teams"):
        kinds.add("teams matched")
    ids = [i for members in record["pool"].values() for i in members] + [p["id"] for p in record["roster"]]
    if any(not i.isascii() for i in ids):
        kinds.add("non-ASCII ids")
    return frozenset(kinds)


def database_records() -> list[Record]:
    """Every drawn task's full record, and its public copy where its list is public."""
    from spotcheck.draws.models import Task
    from spotcheck.draws.selectors import full_record
    from spotcheck.portal.selectors import list_is_public, public_record

    records = []
    tasks = Task.objects.select_related("draw").order_by("code")
    for task in tasks:
        draw = getattr(task, "draw", None)
        if draw is None or not draw.is_drawn:
            continue
        copies = [("full", full_record(task))]
        if list_is_public(task):
            copies.append(("public", public_record(task)))
        for copy, record in copies:
            text = json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True)  # as record.json
            records.append(Record(task.code, copy, text, record_kinds(task, record)))
    return records


def expected(text: str) -> dict:
    """verify_draw.py's verdict on a record file's text, as its main() reads and judges it."""
    from spotcheck.drawspec import verify_draw

    try:
        record = json.loads(text)
    except ValueError:
        return {"verdict": "unreadable"}
    reasons = verify_draw.verify(record)
    empty_exclusions = verify_draw.sha256_hex("SC-EXCL-1\n")
    return {
        "verdict": "fail" if reasons else "pass",
        "reasons": reasons,
        "zh": [verify_draw.in_chinese(r) for r in reasons],
        "unchecked": not reasons
        and "exclusions" not in record
        and record["input"]["match"]["exclusions_digest"] != empty_exclusions,
    }


class BrowserVerifier:
    """A blank page with only the verifier's two scripts, as the portal serves them."""

    def __init__(self, chromium: str) -> None:
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        self._browser = self._playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        self.page = self._browser.new_page()
        self.page.set_content('<!DOCTYPE html><html lang="zh-hans"><body></body></html>')
        for name in ("sha256.js", "verify_draw.js"):
            self.page.add_script_tag(path=str(STATIC / name))

    def judge(self, text: str) -> dict:
        return self.page.evaluate(JUDGE, text)

    def close(self) -> None:
        self._browser.close()
        self._playwright.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chromium", default=os.environ.get("SPOTCHECK_CHROMIUM", "/usr/bin/chromium"))
    parser.add_argument("--kinds", action="store_true", help="also print the kinds of record and their counts")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spotcheck.settings")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # playwright's loop in this thread; the ORM reads first
    import django

    django.setup()
    from django.conf import settings

    print(f"database: {settings.DATABASES['default']['NAME']}")
    started = time.perf_counter()
    records = database_records()
    browser = BrowserVerifier(args.chromium)
    failures = 0
    try:
        for record in records:
            want = expected(record.text)
            t0 = time.perf_counter()
            got = browser.judge(record.text)
            ms = (time.perf_counter() - t0) * 1000
            agrees = got == want
            note = " (teams not checked: exclusions not public)" if got.get("unchecked") else ""
            reasons = "" if got["verdict"] == "pass" else f" — {'; '.join(got.get('reasons', []))}"
            status = "passed" if got["verdict"] == "pass" else "FAILED"
            print(
                f"{record.task:<16} {record.copy:<6} {len(record.text) / 1024:8.1f} KiB  browser {status}"
                f"{reasons}{note}; verify_draw.py {want['verdict']}; "
                f"{'agree' if agrees else 'DISAGREE'}  ({ms:.0f} ms)"
            )
            if not agrees:
                print(f"    browser: {got}\n    verify_draw.py: {want}")
            failures += not (agrees and got["verdict"] == "pass")
    finally:
        browser.close()
    print(
        f"{len(records)} records, {len(records) - failures} passed and agreed, {failures} not; "
        f"{time.perf_counter() - started:.1f} s"
    )
    if args.kinds:
        counts = Counter(kind for record in records for kind in record.kinds)
        print("kinds of record:")
        for kind, n in sorted(counts.items()):
            print(f"  {kind}: {n}")
    return 1 if failures or not records else 0


if __name__ == "__main__":
    sys.exit(main())
