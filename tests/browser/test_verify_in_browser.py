"""Verifying a draw in the visitor's browser (issue 14, item 5): the portal's own script
(static/portal/verify/) run in Chromium reaches verify_draw.py's verdict with the same reasons —
on every test vector, on records changed in many small ways, on the demo's records and on a
task drawn by the engine — and works without SubtleCrypto, as on a plain-http intranet address."""

import copy
import hashlib
import importlib.util
import json
import random
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from spotcheck.draws.models import Task
from spotcheck.draws.selectors import full_record
from spotcheck.drawspec import verify_draw
from spotcheck.portal.selectors import list_is_public, public_record
from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, shot
from tests.clock import clock_at
from tests.factories import DEMO_ANCHOR, load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VECTORS = Path(__file__).resolve().parents[1] / "drawspec" / "vectors"
VECTOR_FILES = sorted(VECTORS.glob("valid-*.json")) + sorted((VECTORS / "invalid").glob("invalid-*.json"))
STATIC = Path(__file__).resolve().parents[2] / "spotcheck" / "portal" / "static" / "portal" / "verify"
EMPTY_EXCLUSIONS = verify_draw.sha256_hex("SC-EXCL-1\n")


def expected(text: str) -> dict:
    """verify_draw.py's verdict on a record file's text: as its main() reads and judges it."""
    try:
        record = json.loads(text)
    except ValueError:
        return {"verdict": "unreadable"}
    reasons = verify_draw.verify(record)
    return {
        "verdict": "fail" if reasons else "pass",
        "reasons": reasons,
        "zh": [verify_draw.in_chinese(r) for r in reasons],
        "unchecked": not reasons
        and "exclusions" not in record
        and record["input"]["match"]["exclusions_digest"] != EMPTY_EXCLUSIONS,
    }


# The page's verifier on many record texts at once, as the page reads them (no UI).
JUDGE = """texts => texts.map(text => {
  const v = SpotcheckVerify.judge({text: text});
  return v.verdict === "unreadable" ? {verdict: v.verdict}
    : {verdict: v.verdict, reasons: v.reasons, zh: v.zh, unchecked: v.unchecked};
})"""


def judge_in_browser(page, texts: list[str]) -> list[dict]:
    return page.evaluate(JUDGE, texts)


def open_verify_page(page):
    page.goto(page.base_url + reverse("portal:verify"))
    page.wait_for_function("() => window.SpotcheckVerify && window.SpotcheckSha256")


def shown_verdict(page) -> dict:
    """Wait for the verdict box and read it: verdict, heading, reasons (English and as shown)."""
    page.wait_for_function(
        "() => { const b = document.querySelector('[data-verdict-box]');"
        " return b && !b.hidden && b.dataset.verdict !== 'working'; }"
    )
    box = page.locator("[data-verdict-box]")
    items = box.locator("li")
    return {
        "verdict": box.get_attribute("data-verdict"),
        "title": box.locator("h3").inner_text(),
        "text": box.inner_text(),
        "reasons": [items.nth(i).get_attribute("data-reason") for i in range(items.count())],
        "shown": [items.nth(i).inner_text() for i in range(items.count())],
        "where": box.get_attribute("data-verified-in"),
    }


def click_verify(page, selector: str = "[data-verify-input]") -> dict:
    """Press the button and read the verdict it gives (not the one shown before)."""
    page.evaluate("() => { const b = document.querySelector('[data-verdict-box]'); b.hidden = true; }")
    page.click(selector)
    return shown_verdict(page)


def verify_file_in_page(page, path: Path) -> dict:
    page.set_input_files("[data-verify-file]", str(path))
    return click_verify(page)


def test_every_vector_file_gets_verify_draw_py_verdict_and_reasons(page):
    """Each file of the vectors opened in /public/verify/ as a visitor opens it from disk."""
    assert len(VECTOR_FILES) == 36
    open_verify_page(page)
    verdicts = []
    for path in VECTOR_FILES:
        want = expected(path.read_text("utf-8"))
        got = verify_file_in_page(page, path)
        assert got["verdict"] == want["verdict"], path.name
        assert got["reasons"] == want["reasons"], path.name
        assert got["shown"] == want["zh"], path.name
        assert got["title"] == ("验证通过" if want["verdict"] == "pass" else "验证失败"), path.name
        assert ("回避名单未公开" in got["text"]) == want["unchecked"], path.name
        assert got["where"] == "worker", path.name  # off the page's main thread
        verdicts.append(got["verdict"])
        if path.name == "invalid-006.json":
            shot(page, "verify-page-failed-1280")
    # the vectors' own claim: valid ones verify, invalid ones do not
    assert verdicts == ["pass" if p.name.startswith("valid-") else "fail" for p in VECTOR_FILES]
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "verify-page-failed-390")


def _mutations(count: int, seed: int) -> list[str]:
    """Records changed after the fact in small ways a hand or a bug makes: keys dropped, values
    of the wrong type (1.0, true, null, big integers), non-canonical or non-ASCII strings,
    lists reordered or doubled. Written with and without ASCII escapes."""
    rng = random.Random(seed)
    odd = [
        "",
        " a",
        "a ",
        "é",
        "e\u0301",
        "a\x7f",
        "a\x00b",
        "\ud800",
        "😀",
        "！",
        "\u3000x",
        "x\u2028",
        '"q"',
        "a\\b",
        1,
        1.0,
        -0.0,
        1e16,
        1.5e-5,
        2**70,
        float("nan"),
        True,
        None,
        [],
        {},
        "0.5",
        "1.0000001",
        "00.5",
    ]
    bases = [json.loads(p.read_text("utf-8")) for p in sorted(VECTORS.glob("valid-*.json"))]

    def places(node, path=()):
        yield path
        children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
        for key, child in children:
            yield from places(child, (*path, key))

    texts = []
    for k in range(count):
        record = copy.deepcopy(bases[k % len(bases)])
        spots = list(places(record))[1:]
        for _ in range(rng.choice((1, 1, 2, 3))):
            path = rng.choice(spots)
            try:
                parent = record
                for key in path[:-1]:
                    parent = parent[key]
                key, how = path[-1], rng.random()
                if how < 0.25 and isinstance(parent, dict | list):
                    del parent[key]
                elif how < 0.35 and isinstance(parent, list):
                    parent.append(copy.deepcopy(parent[key]))
                elif how < 0.45 and isinstance(parent, list):
                    parent.reverse()
                elif how < 0.55 and isinstance(parent[key], str):
                    parent[key] += rng.choice(["😀", "！", "é", " ", "x", "e\u0301"])
                else:
                    parent[key] = copy.deepcopy(rng.choice(odd))
            except (KeyError, IndexError, TypeError):
                pass  # the place went away with an earlier change
        texts.append(json.dumps(record, ensure_ascii=rng.random() < 0.5))
    return texts


def test_changed_records_get_the_same_reasons_as_verify_draw_py(page):
    open_verify_page(page)
    texts = _mutations(400, seed=14)
    # Texts Python's json reads its own way: integers beyond 4300 digits, NaN, a repeated key
    # (the last value at the first place), integer-like keys (a JS object would move them).
    record = json.loads((VECTORS / "valid-003.json").read_text("utf-8"))
    texts += [
        "{",
        "[1, 2]",
        '"x"',
        "\ufeff{}",
        "[" + "9" * 5000 + "]",
        '{"spec": NaN}',
        '{"spec": "x", "spec": "SC-DRAW-1"}',
        json.dumps({**record, "pool": {"2": ["a"], "10": ["b"], **record["pool"]}}),
        json.dumps(
            {
                **record,
                "input": {**record["input"], "strata": [{**s, "ratio": "0" * 5000} for s in record["input"]["strata"]]},
            }
        ),
    ]
    # An id in two strata, and in three; a few strata and many (the verifier checks them two ways).
    for base in sorted(VECTORS.glob("valid-0[01]?.json")):
        record = json.loads(base.read_text("utf-8"))
        names = [n for n, ids in record["pool"].items() if ids]
        if len(names) < 2:
            continue
        moved = record["pool"][names[-1]][-1]
        for name in names[:-1]:
            record["pool"][name] = sorted({*record["pool"][name], moved}, key=lambda i: i.encode())
        texts.append(json.dumps(record, ensure_ascii=False))
    many = {f"层{k:02d}": sorted({f"id{(k * 3 + j) % 40:02d}" for j in range(6)}) for k in range(20)}
    texts.append(json.dumps({**record, "pool": many}, ensure_ascii=False))
    texts.append(json.dumps({**record, "pool": dict(list(many.items())[:5])}, ensure_ascii=False))
    texts = [t for t in texts if t.isascii() or not any("\ud800" <= c <= "\udfff" for c in t)]
    got = judge_in_browser(page, texts)
    differ = [(t[:200], want, js) for t, want, js in zip(texts, map(expected, texts), got, strict=True) if want != js]
    assert not differ, differ[:3]
    verdicts = {g["verdict"] for g in got}
    assert verdicts == {"pass", "fail", "unreadable"}
    assert any(r.startswith("malformed record (ValueError)") for g in got for r in g.get("reasons", []))
    assert sum(r.endswith(" in two strata") for r in got[-1]["reasons"]) > 5
    assert sum(r.endswith(" in two strata") for r in got[-2]["reasons"]) > 20


def test_canonical_json_as_python_writes_it(page):
    """The input digest hashes json.dumps(input, sort_keys=True, separators=(",", ":"),
    ensure_ascii=False): floats as Python's repr writes them, integers exact, keys in code-point
    order (U+FF01 before U+1F600, which JS's own < puts the other way round), escapes as Python's."""
    open_verify_page(page)
    values = [
        [1.0, -0.0, 0.0, 1e16, 1e15, 123456789.125, 1.5e-5, 0.0001, 1e-7, 1e22, 1e300, 2.5e-300, 1 / 3],
        [2**70, -(2**70), 0, -1, 10**30],
        [float("nan"), float("inf"), float("-inf"), True, False, None],
        {"b": 1, "a": 2, "ä": 3, "😀": 4, "！": 5, "A": 6, "": 7, "10": 8, "2": 9},
        ['q"uote', "back\\slash", "nl\n tab\t cr\r", "\x00\x1f\x7f", "\u2028\u2029", "汉字 é e\u0301", "😀！"],
    ]
    texts = [json.dumps(v) for v in values]
    got = page.evaluate("texts => texts.map(t => SpotcheckVerify.canonicalJson(SpotcheckVerify.parseRecord(t)))", texts)
    assert got == [json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False) for v in values]


def test_pasted_record_and_what_is_not_a_record(page, settings, tmp_path):
    open_verify_page(page)
    page.fill("[data-verify-text]", (VECTORS / "invalid" / "invalid-004.json").read_text("utf-8"))
    got = click_verify(page)
    want = expected((VECTORS / "invalid" / "invalid-004.json").read_text("utf-8"))
    assert got["verdict"] == "fail" and got["reasons"] == want["reasons"]
    assert "服务器密钥与事先公布的承诺值不符" in got["shown"]

    page.fill("[data-verify-text]", "这不是 JSON")
    got = click_verify(page)
    assert got["verdict"] == "unreadable" and "不是有效的 JSON" in got["text"]

    page.fill("[data-verify-text]", "")
    assert "请选择记录文件，或粘贴记录内容" in click_verify(page)["text"]

    # A file that is not UTF-8, and one over the limit (read from the setting, shown on the page).
    latin1 = tmp_path / "latin1.json"
    latin1.write_bytes(b'{"spec": "\xe9"}')
    got = verify_file_in_page(page, latin1)
    assert got["verdict"] == "unreadable" and "不是 UTF-8" in got["text"]

    settings.SPOTCHECK_VERIFY_IN_BROWSER_MAX_BYTES = 1024 * 1024
    open_verify_page(page)
    assert "不超过 1 MB" in page.inner_text("main")
    big = tmp_path / "big.json"
    big.write_text(json.dumps({"pad": "x" * (1024 * 1024)}), "utf-8")
    got = verify_file_in_page(page, big)
    assert got["verdict"] == "unreadable" and "记录超过 1 MB" in got["text"]
    page.set_input_files("[data-verify-file]", [])
    page.fill("[data-verify-text]", json.dumps({"pad": "汉" * 400_000}))  # 1.2 MB as UTF-8
    assert "记录超过 1 MB" in click_verify(page)["text"]
    page.fill("[data-verify-text]", "")  # a 1.2 MB text box makes the last screenshot slow


def test_sha256_known_answers_in_the_browser(page):
    open_verify_page(page)
    cases = [
        "",
        "abc",
        "a" * 1_000_000,
        "抽查任务 SC-POOL-1 😀 é\n",
        "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
    ]
    got = page.evaluate(
        """cases => cases.map(c => SpotcheckSha256.hex(c)).concat([
          SpotcheckSha256.hex(new Uint8Array(0)),
          // many small pieces, as a stratum digest is made: the same as one piece
          (() => { const h = SpotcheckSha256.create(); for (let i = 0; i < 100000; i++) h.text("id" + i + "\\n");
                   return h.digestHex(); })(),
        ])""",
        cases,
    )
    want = [hashlib.sha256(c.encode()).hexdigest() for c in cases]
    want += [
        hashlib.sha256(b"").hexdigest(),
        hashlib.sha256("".join(f"id{i}\n" for i in range(100000)).encode()).hexdigest(),
    ]
    assert got == want
    assert want[:3] == [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
    ]


def test_verifies_without_subtle_crypto(page):
    """On http://10.x.x.x/ the browser has no crypto.subtle: take it away, in the worker (its
    script changed on the way) and in the page (without workers), and verify."""
    no_subtle = "delete Crypto.prototype.subtle; delete self.crypto.subtle;"

    def worker_without_subtle(route):
        body = route.fetch().text()
        check = "if (self.crypto.subtle !== undefined) throw new Error('subtle still there');"
        route.fulfill(body=no_subtle + check + body, content_type="text/javascript")

    page.route("**/verify_worker.js", worker_without_subtle)
    page.context.add_init_script(no_subtle)
    open_verify_page(page)
    assert page.evaluate("() => typeof window.crypto.subtle") == "undefined"
    names = ("valid-013.json", "valid-013-public.json", "invalid/invalid-011.json")
    for name in names:
        want = expected((VECTORS / name).read_text("utf-8"))
        got = verify_file_in_page(page, VECTORS / name)
        assert (got["verdict"], got["reasons"], got["where"]) == (want["verdict"], want["reasons"], "worker"), name

    page.evaluate("() => { delete window.Worker; }")  # a browser without workers: in the page
    for name in names:
        want = expected((VECTORS / name).read_text("utf-8"))
        got = verify_file_in_page(page, VECTORS / name)
        assert (got["verdict"], got["reasons"], got["where"]) == (want["verdict"], want["reasons"], "page"), name


def test_verifies_over_plain_http_on_an_intranet_name(_browser, live_server, settings, make_task, run_ceremony):
    """A real insecure origin: http://spotcheck.intranet:PORT/ (resolved to this machine), where
    Chromium itself gives no crypto.subtle, as on a county office's intranet address."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "spotcheck.intranet"]
    task = run_ceremony(make_task())
    port = live_server.url.rsplit(":", 1)[1]
    browser = _browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[*CHROMIUM_ARGS, "--host-resolver-rules=MAP spotcheck.intranet 127.0.0.1"],
        headless=True,
    )
    try:
        page = browser.new_page(locale="zh-CN")
        page.goto(f"http://spotcheck.intranet:{port}" + reverse("portal:task_detail", args=[task.code]))
        assert page.evaluate("() => [window.isSecureContext, typeof window.crypto.subtle]") == [False, "undefined"]
        page.get_by_role("button", name="在浏览器中验证").click()
        got = shown_verdict(page)
        assert (got["verdict"], got["reasons"], got["where"]) == ("pass", [], "worker"), got
    finally:
        browser.close()


def _click_verify_on_task_page(page, code: str) -> dict:
    page.goto(page.base_url + reverse("portal:task_detail", args=[code]))
    page.get_by_role("button", name="在浏览器中验证").click()
    return shown_verdict(page)


def test_task_page_verifies_a_record_drawn_by_the_engine(page, make_task, run_ceremony):
    task = run_ceremony(make_task())
    record = public_record(task)
    assert list_is_public(task) and record["result"]["targets"]
    got = _click_verify_on_task_page(page, task.code)
    assert got["verdict"] == "pass" and got["title"] == "验证通过", got
    assert got["reasons"] == [] == verify_draw.verify(record)
    assert f"任务 {task.code}，抽中 {len(record['result']['targets'])} 个检查对象" in got["text"]
    page.locator("[data-verdict-box]").scroll_into_view_if_needed()
    shot(page, "verify-task-page-pass-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "verify-task-page-pass-390")

    # The same page when what the server sends was changed on the way: the verdict says so.
    def tampered(route):
        changed = json.loads(route.fetch().body())
        changed["witnesses"][0] = "1-1-1"
        route.fulfill(json=changed)

    page.route("**/record.json", tampered)
    page.set_viewport_size({"width": 1280, "height": 900})
    got = _click_verify_on_task_page(page, task.code)
    assert got["verdict"] == "fail" and got["title"] == "验证失败"
    assert got["reasons"] == ["seed mismatch"] and got["shown"] == ["随机种子不符"]
    shot(page, "verify-task-page-fail-1280")


def test_task_page_in_english_gives_the_reasons_in_english(page, make_task, run_ceremony):
    """<html lang="en">: the reasons as verify_draw.py --lang en prints them."""
    task = run_ceremony(make_task())

    def tampered(route):
        changed = json.loads(route.fetch().body())
        changed["result"]["targets"].reverse()
        changed["server_secret"] = "0" * 64
        route.fulfill(json=changed)

    page.route("**/record.json", tampered)
    page.goto(page.base_url + reverse("portal:task_detail", args=[task.code]))
    page.get_by_role("link", name="English").click()
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    got = click_verify(page, "[data-verify-fetch]")
    assert got["verdict"] == "fail"
    assert got["reasons"] == ["server secret does not match the commitment", "seed mismatch", "targets differ"]
    assert got["shown"] == got["reasons"]


@pytest.fixture
def bare_verifier(_browser):
    """A blank page with only the verifier's two scripts, as served: for records the test makes
    in its own (rolled back) transaction, which a live server would not see."""
    context = _browser.new_context()
    page = context.new_page()
    page.set_content('<!DOCTYPE html><html lang="zh-hans"><body></body></html>')
    for name in ("sha256.js", "verify_draw.js"):
        page.add_script_tag(path=str(STATIC / name))
    yield page
    context.close()


def _script():
    """scripts/verify_records_in_browser.py (not a package): what kinds of record there are."""
    path = Path(__file__).resolve().parents[2] / "scripts" / "verify_records_in_browser.py"
    spec = importlib.util.spec_from_file_location("verify_records_in_browser", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)  # its dataclass looks itself up there
    spec.loader.exec_module(module)
    return module


# Every kind of record a full demo load (20,000 objects, 300 inspectors) makes, and the empty
# stratum a small directory adds (gaps14: scripts/verify_records_in_browser.py --kinds on both).
DEMO_RECORD_KINDS = {
    "full",
    "public",
    "task:routine",
    "task:joint",
    "team of two departments",
    "redraw",
    "cancelled (replaced by a redraw)",
    "several strata",
    "stratum drawn whole",
    "empty stratum",
    "slot with qualifications",
    "teams matched",
    "non-ASCII ids",
}


@pytest.mark.django_db
def test_the_demo_records_verify_in_the_browser(bare_verifier):
    """The demo region's drawn tasks (made through the demo's services, as `make demo` makes
    them): the full records (teams checked) and the public copies. The small load the demo's
    tests use (gaps14: the one with the joint draw and the redraw) has every kind of record the
    full demo has; scripts/verify_records_in_browser.py runs this over a full one."""
    with clock_at(DEMO_ANCHOR):
        load_demo(objects=300, inspectors=30, seed="test")
    drawn = [t for t in Task.objects.select_related("draw").order_by("code") if t.draw.is_drawn]
    public = [t for t in drawn if list_is_public(t)]
    assert drawn and public
    pairs = [(t, full_record(t)) for t in drawn] + [(t, public_record(t)) for t in public]
    kinds = set().union(*(_script().record_kinds(t, r) for t, r in pairs))
    assert kinds >= DEMO_RECORD_KINDS, DEMO_RECORD_KINDS - kinds
    texts = [json.dumps(r, ensure_ascii=False, indent=2, sort_keys=True) for _t, r in pairs]
    got = judge_in_browser(bare_verifier, texts)
    assert got == [expected(t) for t in texts]
    assert {g["verdict"] for g in got} == {"pass"}
